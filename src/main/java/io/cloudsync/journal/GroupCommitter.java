package io.cloudsync.journal;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * The one thread that fsyncs a journal. Callers of {@link #awaitDurable} name how many records they need durable
 * and wait; the thread forces the log once for everyone who asked while the previous force ran (group commit), so
 * a hundred concurrent fsync() calls cost a few disk flushes, not a hundred.
 *
 * <p>A failed force poisons the committer: after an fsync error Linux may have dropped the dirty pages it could
 * not write and a retried fsync would report success for data that never reached the disk, so every later wait
 * fails with the first error until the journal is reopened (replay then reads what really is on disk).
 */
final class GroupCommitter implements AutoCloseable {

    /** Forces the journal and says how many records the force covered. */
    interface Forcer {
        long force() throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());

    private final String what;
    private final Forcer forcer;
    private final long slowMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Thread thread;

    private long requested;
    private long durable;
    private long forces;
    private IOException failure;
    private boolean closed;

    GroupCommitter(String what, Forcer forcer, long slowMillis) {
        this.what = what;
        this.forcer = forcer;
        this.slowMillis = slowMillis;
        this.thread = Thread.ofPlatform().daemon().name("journal-fsync " + what).unstarted(this::run);
        thread.start();
    }

    /** Asks for at least {@code records} records to be made durable, without waiting for it. */
    void request(long records) {
        lock.lock();
        try {
            if (records > requested && records > durable) {
                requested = records;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns once at least {@code records} records are durable; throws if a force failed or the log closed first. */
    void awaitDurable(long records) throws IOException {
        request(records);
        lock.lock();
        try {
            while (durable < records) {
                if (failure != null) {
                    throw new IOException("journal fsync of " + what + " failed; records since may not be on disk: "
                            + failure.getMessage(), failure);
                }
                if (closed) {
                    throw new IOException("journal " + what + " closed before its records were made durable");
                }
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Notes records made durable by someone else (compaction, close), releasing their waiters. */
    void markDurable(long records) {
        lock.lock();
        try {
            if (records > durable) {
                durable = records;
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many forces the thread has run (a measure of batching). */
    long forceCount() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            lock.lock();
            try {
                while (!closed && failure == null && requested <= durable) {
                    work.awaitUninterruptibly();
                }
                if (closed || failure != null) {
                    return;
                }
                forces++;
            } finally {
                lock.unlock();
            }
            long start = System.nanoTime();
            long covered;
            try {
                covered = forcer.force();
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? io : new IOException(e));
                return;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > slowMillis) {
                LOG.warning(() -> "journal fsync of " + what + " took " + millis + " ms; fsync() callers waited as long");
            }
            markDurable(covered);
        }
    }

    private void fail(IOException e) {
        LOG.severe(() -> "journal fsync of " + what + " failed; fsync() on this volume fails until the plugin"
                + " restarts and replays the journal: " + e);
        lock.lock();
        try {
            failure = e;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread; waiters not yet covered are released with an error. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
