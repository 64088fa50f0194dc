package io.cloudsync.writeback;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Uploads a volume's journal to the object store, like rclone's write-back queue: each object key has at most one
 * pending change (ten writes to a file make one upload), due {@code delay} after its last change; a bounded pool
 * of workers takes due jobs in due order; a failure is retried with doubling backoff up to a cap; a change that
 * arrives while its key is uploading cancels that upload, which is queued again. Renames keep their order with
 * the changes around them ({@link WritebackQueue}). Only after the store confirmed a job are its journal records
 * completed, so a crash at any point repeats work instead of losing it. A removal of a name whose creation never
 * reached the store costs nothing remote.
 *
 * <p>It runs from the moment the volume is opened, mounted or not, so uploads go on after the last unmount.
 *
 * <p>Lock: {@code lock} guards the queue and counters; no store or disk I/O happens under it, except the
 * file size lookups of {@link #status()}, which run after the snapshot is taken.
 */
public final class Uploader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Uploader.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    // A cap well under the 30 s in which an outage must be caught up; a success after failures also ends all waits.
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    /** How long, and how often, a job waits for the record that explains a missing local node. */
    private static final Duration MISSING_NODE_WAIT = Duration.ofMillis(200);
    private static final int MISSING_NODE_WAITS = 5;

    private final String volume;
    private final Journal journal;
    private final UploadSource source;
    private final StoreWriter writer;
    private final long delayNanos;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final WritebackQueue queue;
    /** Applied renames (by seq) whose record waits for the records moved behind them (their seqs). */
    private final Map<Long, Set<Long>> appliedRenameWaitsFor = new HashMap<>();
    private boolean stopped;
    private String lastError;
    private Instant lastUpload;
    private long completed;
    private long conflicts;
    private String lastConflict;

    /**
     * @param prefix key prefix of the volume in the bucket, without trailing '/' (empty for the bucket root)
     */
    public Uploader(String volume, Journal journal, ObjectStore store, String prefix, UploadSource source,
                    Duration delay, int concurrency) {
        this.volume = volume;
        this.journal = journal;
        this.source = source;
        this.queue = new WritebackQueue(prefix, journal::isApplied);
        this.writer = new StoreWriter(store, queue, source, this::conflictKept);
        this.delayNanos = delay.toNanos();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofPlatform().daemon().name("upload-" + volume + "-" + i).unstarted(this::work));
        }
    }

    /** Queues what the journal still holds (due at once: it waited long enough) and starts the workers. */
    public void start() {
        journal.subscribe(entry -> enqueue(entry, System.nanoTime() + delayNanos, false));
        for (JournalEntry e : journal.pending()) {
            enqueue(e, System.nanoTime(), true);
        }
        workers.forEach(Thread::start);
    }

    private void enqueue(JournalEntry entry, long dueAt, boolean replayed) {
        lock.lock();
        try {
            queue.add(entry, dueAt, System.nanoTime(), System.currentTimeMillis(), replayed);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * See {@link io.cloudsync.cache.WaitingUploads#postponeWaitingUpload}: true if the upload of the file at
     * {@code path} waits and has not started; it is then due the write-back delay from now. Decided under the lock
     * a worker takes a job under, so an upload found waiting reads the file only after this returns.
     */
    public boolean postponeWaitingUpload(String path) {
        lock.lock();
        try {
            long now = System.nanoTime();
            boolean postponed = queue.postponeWaitingUpload(path, now + delayNanos, now);
            if (postponed && queue.isFlushing()) {
                changed.signalAll(); // due now rather than later
            }
            return postponed;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            WritebackQueue.Job job;
            lock.lock();
            try {
                job = awaitDueLocked();
                if (job == null) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug in the queue must not stop the uploads of this volume: report it, try again shortly.
                LOG.log(Level.SEVERE, "volume " + volume + ": the upload queue failed; retrying in 1 s", e);
                awaitQuietly(Duration.ofSeconds(1));
                continue;
            } finally {
                lock.unlock();
            }
            if (job.barrier() != null) {
                runRename(job);
            } else {
                runChange(job);
            }
        }
    }

    private void awaitQuietly(Duration pause) {
        lock.lock();
        try {
            changed.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the job that is due first; null when stopped. Called with the lock held. */
    private WritebackQueue.Job awaitDueLocked() throws InterruptedException {
        while (!stopped) {
            long now = System.nanoTime();
            WritebackQueue.Job job = queue.takeDue(now);
            if (job != null) {
                return job;
            }
            long next = queue.nextDueNanos();
            if (next == Long.MAX_VALUE) {
                changed.await();
            } else {
                changed.awaitNanos(Math.max(1, next - now));
            }
        }
        return null;
    }

    private void runChange(WritebackQueue.Job job) {
        PendingChange change = job.change();
        try {
            if (!job.skipRemote()) {
                writer.apply(change.key, job.mutation(), job.newName(), () -> change.cancelRequested,
                        change.missingNodeWaits >= MISSING_NODE_WAITS);
            }
            for (long seq : job.seqs()) {
                complete(seq);
            }
            boolean recovered = change.failures > 0;
            finished(() -> queue.changeDone(change), !job.skipRemote(), recovered);
        } catch (LocalNodeMissing e) {
            lock.lock();
            try {
                change.missingNodeWaits++;
                queue.changeRetry(change, System.nanoTime() + MISSING_NODE_WAIT.toNanos(), false);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (ChangedDuringUpload | java.nio.file.NoSuchFileException e) {
            // The store may hold a mix of two versions (or the file vanished under the upload): do it again
            // once the file has been quiet for the delay; what happens to a vanished file, a later record says.
            retryAfterChange(change);
        } catch (Throwable t) {
            if (change.cancelRequested) {
                retryAfterChange(change); // cancelled because the file changed: not a failure
            } else {
                failedChange(change, job.mutation(), t);
            }
        }
    }

    private void runRename(WritebackQueue.Job job) {
        RenameBarrier barrier = job.barrier();
        try {
            if (!job.skipRemote()) {
                writer.rename(barrier.rename);
            }
            // The rename's record stays until the records moved behind it are done: replayed after a crash, it
            // must still say where they belong, but never move objects again (later uploads may be under its names).
            journal.markApplied(barrier.seq);
            journal.sync();
            boolean nothingMoved;
            lock.lock();
            try {
                Set<Long> moved = new HashSet<>();
                barrier.moved().forEach(e -> moved.add(e.seq()));
                nothingMoved = moved.isEmpty();
                if (!nothingMoved) {
                    appliedRenameWaitsFor.put(barrier.seq, moved);
                }
            } finally {
                lock.unlock();
            }
            if (nothingMoved) {
                journal.complete(barrier.seq);
            }
            boolean recovered = barrier.failures > 0;
            finished(() -> queue.barrierDone(barrier, System.nanoTime(), System.currentTimeMillis()),
                    !job.skipRemote(), recovered);
        } catch (Throwable t) {
            long backoff;
            lock.lock();
            try {
                backoff = backoffNanos(barrier.failures + 1);
                queue.barrierRetry(barrier, System.nanoTime() + backoff);
                lastError = Instant.now() + " " + describe(barrier.rename) + " failed: " + t.getMessage();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            log(describe(barrier.rename), barrier.failures, t);
        }
    }

    /** Completes a record, and any applied rename that waited only for it. */
    private void complete(long seq) throws IOException {
        journal.complete(seq);
        List<Long> renamesDone = new ArrayList<>();
        lock.lock();
        try {
            for (Map.Entry<Long, Set<Long>> e : appliedRenameWaitsFor.entrySet()) {
                if (e.getValue().remove(seq) && e.getValue().isEmpty()) {
                    renamesDone.add(e.getKey());
                }
            }
            renamesDone.forEach(appliedRenameWaitsFor::remove);
        } finally {
            lock.unlock();
        }
        for (long rename : renamesDone) {
            journal.complete(rename);
        }
    }

    /**
     * Books a finished job. {@code recovered}: it had failed before, so the store answers again after an outage,
     * and every other job still waiting out its backoff is tried now instead of up to {@code MAX_BACKOFF} later.
     */
    private void finished(Runnable queueUpdate, boolean storeChanged, boolean recovered) {
        lock.lock();
        try {
            queueUpdate.run();
            if (recovered) {
                queue.retryFailedNow(System.nanoTime());
            }
            if (storeChanged) {
                lastUpload = Instant.now();
            }
            completed++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void retryAfterChange(PendingChange change) {
        lock.lock();
        try {
            queue.changeRetry(change, System.nanoTime() + (queue.isFlushing() ? 0 : delayNanos), false);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failedChange(PendingChange change, Mutation mutation, Throwable t) {
        String message = describe(mutation) + " failed: " + t.getMessage();
        lock.lock();
        try {
            queue.changeRetry(change, System.nanoTime() + backoffNanos(change.failures + 1), true);
            lastError = Instant.now() + " " + message;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log(describe(mutation), change.failures, t);
    }

    private void log(String what, int attempt, Throwable t) {
        Level level = t instanceof StoreException.Transient ? Level.WARNING : Level.SEVERE;
        LOG.log(level, "volume " + volume + ": " + what + " failed: " + t.getMessage() + " (attempt " + attempt
                + ", will retry)", t instanceof StoreException ? null : t);
    }

    private static long backoffNanos(int failures) {
        return Math.min(FIRST_BACKOFF.toNanos() << Math.min(failures - 1, 20), MAX_BACKOFF.toNanos());
    }

    private static String describe(Mutation m) {
        return switch (m) {
            case Mutation.FileCreated f -> "upload of '" + f.path() + "'";
            case Mutation.FileChanged f -> "upload of '" + f.path() + "'";
            case Mutation.FileRemoved r -> "delete of '" + r.path() + "'";
            case Mutation.DirCreated d -> "directory marker for '" + d.path() + "'";
            case Mutation.DirChanged d -> "directory marker for '" + d.path() + "'";
            case Mutation.DirRemoved d -> "removal of directory marker '" + d.path() + "'";
            case Mutation.Renamed r -> "rename of '" + r.path() + "' to '" + r.target() + "'";
        };
    }

    /**
     * Makes every pending change due now and waits until nothing is pending or {@code timeout} passes.
     * Returns true if the volume was fully in the store.
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            queue.beginFlush(System.nanoTime());
            changed.signalAll();
            while (!queue.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            queue.endFlush();
            lock.unlock();
        }
    }

    /** What is queued, for diagnostics and test failure messages. */
    public String describeQueue() {
        lock.lock();
        try {
            return queue.toString();
        } finally {
            lock.unlock();
        }
    }

    private void conflictKept(String what) {
        LOG.warning(() -> "volume " + volume + ": conflict: " + what);
        lock.lock();
        try {
            conflicts++;
            lastConflict = Instant.now() + " " + what;
        } finally {
            lock.unlock();
        }
    }

    public UploadStatus status() {
        List<String> files = new ArrayList<>();
        long oldest;
        long count;
        String error;
        Instant last;
        long done;
        long conflictCount;
        String conflict;
        lock.lock();
        try {
            conflictCount = conflicts;
            conflict = lastConflict;
            count = queue.size();
            oldest = queue.oldestChangeMillis();
            queue.forEachPendingFile(files::add);
            error = lastError;
            last = lastUpload;
            done = completed;
        } finally {
            lock.unlock();
        }
        long bytes = 0;
        for (String f : files) {
            Optional<Path> file = source.regularFile(f);
            if (file.isPresent()) {
                try {
                    bytes += Files.size(file.get());
                } catch (IOException e) {
                    // Removed since the snapshot: it no longer counts.
                }
            }
        }
        long age = count == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
        return new UploadStatus(count, bytes, age, error, last, done, conflictCount, conflict);
    }

    /** Stops the workers; running uploads finish or are abandoned and redone at the next start. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
