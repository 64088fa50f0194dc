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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Uploads a volume's journal to the object store, like rclone's write-back queue: each object key has at most one
 * pending change (ten writes to a file make one upload), due {@code delay} after its last change; a bounded pool
 * of workers takes due changes in due order; a failure is retried with doubling backoff up to a cap; a change that
 * arrives while its key is uploading is queued again after the upload, never lost. Only after the store confirmed
 * an upload are its journal records completed, so a crash at any point repeats work instead of losing it.
 *
 * <p>It runs from the moment the volume is opened, mounted or not, so uploads go on after the last unmount.
 *
 * <p>Lock: {@code lock} guards the pending map and counters; no store or disk I/O happens under it, except the
 * file size lookups of {@link #status()}, which run after the snapshot is taken.
 */
public final class Uploader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Uploader.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String volume;
    private final Journal journal;
    private final ObjectStore store;
    private final String prefix;
    private final UploadSource source;
    private final long delayNanos;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, PendingChange> pending = new HashMap<>();
    private boolean flushing;
    private boolean stopped;
    private String lastError;
    private Instant lastUpload;
    private long completed;

    /**
     * @param prefix key prefix of the volume in the bucket, without trailing '/' (empty for the bucket root)
     */
    public Uploader(String volume, Journal journal, ObjectStore store, String prefix, UploadSource source,
                    Duration delay, int concurrency) {
        this.volume = volume;
        this.journal = journal;
        this.store = store;
        this.prefix = prefix;
        this.source = source;
        this.delayNanos = delay.toNanos();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofPlatform().daemon().name("upload-" + volume + "-" + i).unstarted(this::work));
        }
    }

    /** Queues what the journal still holds (due at once: it waited long enough) and starts the workers. */
    public void start() {
        journal.subscribe(this::onRecord);
        for (JournalEntry e : journal.pending()) {
            enqueue(e, System.nanoTime());
        }
        workers.forEach(Thread::start);
    }

    private void onRecord(JournalEntry entry) {
        enqueue(entry, System.nanoTime() + delayNanos);
    }

    private void enqueue(JournalEntry entry, long dueAt) {
        String key = keyOf(entry.mutation());
        lock.lock();
        try {
            PendingChange p = pending.computeIfAbsent(key, k -> new PendingChange(k, System.currentTimeMillis()));
            p.add(entry.seq(), entry.mutation());
            if (p.failures == 0 || dueAt > p.dueAtNanos) {
                p.dueAtNanos = flushing ? System.nanoTime() : dueAt;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private String keyOf(Mutation m) {
        String base = prefix.isEmpty() ? m.path() : prefix + "/" + m.path();
        return switch (m) {
            case Mutation.DirCreated d -> base + "/";
            case Mutation.DirRemoved d -> base + "/";
            default -> base;
        };
    }

    private void work() {
        while (true) {
            PendingChange job;
            Mutation mutation;
            List<Long> seqs;
            lock.lock();
            try {
                job = awaitDueLocked();
                if (job == null) {
                    return;
                }
                job.inFlight = true;
                mutation = job.mutation;
                seqs = new ArrayList<>(job.seqs);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                apply(job.key, mutation);
                succeeded(job, seqs);
            } catch (ChangedDuringUpload | java.nio.file.NoSuchFileException e) {
                // The store may hold a mix of two versions (or the file vanished under the upload): do it again
                // once the file has been quiet for the delay; what happens to a vanished file, a later record says.
                requeue(job);
            } catch (Throwable t) {
                failed(job, mutation, t);
            }
        }
    }

    /** Waits for the change that is due first; null when stopped. Called with the lock held. */
    private PendingChange awaitDueLocked() throws InterruptedException {
        while (!stopped) {
            PendingChange first = null;
            for (PendingChange p : pending.values()) {
                if (!p.inFlight && (first == null || p.dueAtNanos < first.dueAtNanos)) {
                    first = p;
                }
            }
            long now = System.nanoTime();
            if (first != null && first.dueAtNanos <= now) {
                return first;
            }
            if (first == null) {
                changed.await();
            } else {
                changed.awaitNanos(first.dueAtNanos - now);
            }
        }
        return null;
    }

    private void apply(String key, Mutation mutation) throws StoreException, IOException, ChangedDuringUpload {
        switch (mutation) {
            case Mutation.FileChanged f -> {
                Optional<Path> file = source.regularFile(f.path());
                // Gone or no longer a regular file: a later record (removal, rename) says what happened to it.
                if (file.isPresent()) {
                    FileVersion before = FileVersion.of(file.get());
                    store.putFile(key, file.get(), Map.of());
                    if (!before.equals(FileVersion.of(file.get()))) {
                        throw new ChangedDuringUpload(f.path());
                    }
                }
            }
            case Mutation.FileRemoved r -> store.delete(key);
            case Mutation.DirCreated d -> store.putBytes(key, new byte[0], Map.of());
            case Mutation.DirRemoved d -> store.delete(key);
        }
    }

    private void succeeded(PendingChange job, List<Long> seqs) throws IOException {
        for (long seq : seqs) {
            journal.complete(seq);
        }
        lock.lock();
        try {
            job.inFlight = false;
            job.failures = 0;
            job.seqs.removeAll(seqs);
            if (job.seqs.isEmpty()) {
                pending.remove(job.key);
            }
            lastUpload = Instant.now();
            completed++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void requeue(PendingChange job) {
        lock.lock();
        try {
            job.inFlight = false;
            job.dueAtNanos = System.nanoTime() + (flushing ? 0 : delayNanos);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failed(PendingChange job, Mutation mutation, Throwable t) {
        String message = describe(mutation) + " failed: " + t.getMessage();
        lock.lock();
        try {
            job.inFlight = false;
            job.failures++;
            long backoff = Math.min(FIRST_BACKOFF.toNanos() << Math.min(job.failures - 1, 20), MAX_BACKOFF.toNanos());
            job.dueAtNanos = System.nanoTime() + backoff;
            lastError = Instant.now() + " " + message;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Level level = t instanceof StoreException.Transient ? Level.WARNING : Level.SEVERE;
        LOG.log(level, "volume " + volume + ": " + message + " (attempt " + job.failures + ", will retry)",
                t instanceof StoreException ? null : t);
    }

    private String describe(Mutation m) {
        return switch (m) {
            case Mutation.FileChanged f -> "upload of '" + f.path() + "'";
            case Mutation.FileRemoved r -> "delete of '" + r.path() + "'";
            case Mutation.DirCreated d -> "directory marker for '" + d.path() + "'";
            case Mutation.DirRemoved d -> "removal of directory marker '" + d.path() + "'";
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
            flushing = true;
            long now = System.nanoTime();
            for (PendingChange p : pending.values()) {
                if (p.failures == 0) {
                    p.dueAtNanos = Math.min(p.dueAtNanos, now);
                }
            }
            changed.signalAll();
            while (!pending.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            flushing = false;
            lock.unlock();
        }
    }

    public UploadStatus status() {
        List<String> files = new ArrayList<>();
        long oldest = Long.MAX_VALUE;
        long count;
        String error;
        Instant last;
        long done;
        lock.lock();
        try {
            count = pending.size();
            for (PendingChange p : pending.values()) {
                oldest = Math.min(oldest, p.firstChangeMillis);
                if (p.mutation instanceof Mutation.FileChanged f) {
                    files.add(f.path());
                }
            }
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
        return new UploadStatus(count, bytes, age, error, last, done);
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
