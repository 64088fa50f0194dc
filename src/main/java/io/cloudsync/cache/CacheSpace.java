package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Keeps the file data in the cache directory within {@code cache-max-size}. Every write and every fetch reserves
 * its bytes first. When a reservation does not fit, the cache directory is measured (complete files by size,
 * placeholders by the ranges they hold, both rounded up to 4 KiB blocks) and clean files are evicted, least
 * recently used first, down to 90% of the bound: evicting turns a file back into a placeholder of the version it
 * equals in the bucket, so its name, size and attributes stay. Dirty data (not yet uploaded, open, or concerned by
 * a waiting journal record) is never evicted. When dirty data alone fills the cache, the writer waits for uploads
 * to make files clean; if nothing is waiting to be uploaded, or the wait passes {@link #WAIT_LIMIT}, it gets ENOSPC.
 *
 * <p>The estimate only over-counts between measurements (an overwrite in place is counted as new data), so the
 * directory never holds more file data than the bound. Directories, symlinks, special files and extended
 * attributes are not counted (the walk looks at regular files only).
 */
final class CacheSpace {

    private static final Logger LOG = Logger.getLogger(CacheSpace.class.getName());
    static final Duration WAIT_LIMIT = Duration.ofMinutes(5);
    private static final long BLOCK = 4096;

    private final CachePaths paths;
    private final long bound;
    private final Supplier<Predicate<String>> busyPaths;
    private final BooleanSupplier uploadsWaiting;
    private final RemoteContent remoteContent;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomMade = lock.newCondition();
    /** Last read or open of a path (nanoTime), for least-recently-used order; unknown paths count as oldest. */
    private final Map<String, Long> lastAccess = new ConcurrentHashMap<>();
    /** How many paths {@link #lastAccess} keeps at most by default (about 100 bytes each). */
    static final int MAX_TRACKED = 1_000_000;
    private final int maxTracked;
    private final java.util.concurrent.atomic.AtomicBoolean trimming = new java.util.concurrent.atomic.AtomicBoolean();
    private long used = -1;
    /** Bytes reserved for writes and fetches still under way: a measurement does not see them yet. */
    private long inFlight;

    CacheSpace(CachePaths paths, long bound, Supplier<Predicate<String>> busyPaths, BooleanSupplier uploadsWaiting,
               RemoteContent remoteContent) {
        this(paths, bound, busyPaths, uploadsWaiting, remoteContent, MAX_TRACKED);
    }

    CacheSpace(CachePaths paths, long bound, Supplier<Predicate<String>> busyPaths, BooleanSupplier uploadsWaiting,
               RemoteContent remoteContent, int maxTracked) {
        this.maxTracked = maxTracked;
        this.paths = paths;
        this.bound = bound;
        this.busyPaths = busyPaths;
        this.uploadsWaiting = uploadsWaiting;
        this.remoteContent = remoteContent;
    }

    boolean bounded() {
        return bound < Long.MAX_VALUE;
    }

    void touched(String rel) {
        if (bounded()) {
            lastAccess.put(rel, System.nanoTime());
            if (lastAccess.size() > maxTracked && trimming.compareAndSet(false, true)) {
                try {
                    forgetOldestHalf();
                } finally {
                    trimming.set(false);
                }
            }
        }
    }

    /**
     * Keeps the access map bounded on a volume whose reads touch millions of distinct files: the oldest half is
     * forgotten, and a path not in the map counts as oldest, which is what those paths were anyway.
     */
    private void forgetOldestHalf() {
        long[] times = lastAccess.values().stream().mapToLong(Long::longValue).sorted().toArray();
        if (times.length == 0) {
            return;
        }
        long median = times[times.length / 2];
        lastAccess.values().removeIf(t -> t < median);
    }

    /** Something was uploaded or removed: waiting writers look again. */
    void mayHaveRoom() {
        if (!bounded()) {
            return;
        }
        lock.lock();
        try {
            roomMade.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code bytes} of the bound for data about to be written into the cache, waiting or evicting for it.
     * The caller calls {@link #done} with the same number once the data is in the file (or was not written).
     */
    void reserve(long bytes) throws IOException {
        reserve(bytes, true);
    }

    /**
     * As {@link #reserve}, for work that may as well not be done (a fetch ahead of the reader): evicts if that
     * makes room, never waits for uploads; false if there is no room now.
     */
    boolean tryReserve(long bytes) throws IOException {
        return reserve(bytes, false);
    }

    private boolean reserve(long bytes, boolean wait) throws IOException {
        if (!bounded()) {
            return true;
        }
        long want = roundUp(bytes);
        lock.lock();
        try {
            long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
            boolean complained = false;
            while (used < 0 || used + want > bound) {
                // Asked before measuring: an upload completed between the measurement (its file still busy) and
                // this question must not turn into ENOSPC when its file could be evicted at the next look.
                boolean uploadsWereWaiting = uploadsWaiting.getAsBoolean();
                measureAndEvictLocked(want);
                if (used + want <= bound) {
                    break;
                }
                if (!wait) {
                    return false;
                }
                if (want > bound || !uploadsWereWaiting || System.nanoTime() > deadline) {
                    LOG.warning(() -> "the cache of " + paths.dataDir() + " holds " + used + " bytes of data that is"
                            + " not in the bucket yet, and cache-max-size is " + bound + "; a write of " + bytes
                            + " bytes gets ENOSPC");
                    throw new FileSystemException(null, null, "No space left on device");
                }
                if (!complained) {
                    complained = true;
                    LOG.info(() -> "cache of " + paths.dataDir() + " is full of data not yet uploaded (" + used
                            + " of " + bound + " bytes): writers wait for uploads");
                }
                roomMade.await(1, TimeUnit.SECONDS);
            }
            used += want;
            inFlight += want;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for room in the cache", e);
        } finally {
            lock.unlock();
        }
    }

    /** The data reserved with {@link #reserve} is now in its file, where a measurement counts it. */
    void done(long bytes) {
        if (!bounded()) {
            return;
        }
        lock.lock();
        try {
            inFlight -= roundUp(bytes);
        } finally {
            lock.unlock();
        }
    }

    private record Candidate(String rel, Path file, Object inode, long bytes, long accessed) {
    }

    private void measureAndEvictLocked(long want) throws IOException {
        Predicate<String> busy = busyPaths.get();
        List<Candidate> clean = new ArrayList<>();
        long total = 0;
        try (Stream<Path> files = Files.walk(paths.dataDir())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(file, "unix:ino,size,isRegularFile,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!(Boolean) a.get("isRegularFile")) {
                    continue;
                }
                long size = (Long) a.get("size");
                String rel = paths.relativize(file);
                Optional<Placeholders.RemoteFile> remote = Placeholders.remoteFile(file);
                // A placeholder holds what its record lists and what open handles fetched and did not record yet.
                long bytes = remote.map(r -> presentBytes(r.present().union(remoteContent.unrecorded(rel, r.version())),
                        size)).orElse(roundUp(size));
                total += bytes;
                if (bytes > 0 && !busy.test(rel) && Placeholders.equalsSynced(file, size,
                        ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant())) {
                    clean.add(new Candidate(rel, file, a.get("ino"), bytes, lastAccess.getOrDefault(rel, Long.MIN_VALUE)));
                }
            }
        }
        used = total + inFlight;
        if (used + want <= bound) {
            return;
        }
        long target = Math.max(0, Math.min(bound - want, bound - bound / 10));
        clean.sort(Comparator.comparingLong(Candidate::accessed));
        for (Candidate c : clean) {
            if (used <= target) {
                break;
            }
            if (remoteContent.evict(c.file(), c.rel(), c.inode(), busy)) {
                used -= c.bytes();
                lastAccess.remove(c.rel());
            }
        }
    }

    private static long presentBytes(RangeSet present, long size) {
        long n = 0;
        for (long[] r : present.ranges()) {
            n += roundUp(Math.min(r[1], size) - r[0]);
        }
        return n;
    }

    static long roundUp(long bytes) {
        return (bytes + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** How many paths the least-recently-used order knows now. */
    int trackedPaths() {
        return lastAccess.size();
    }

    /** Evicts one file for tests and tools; true if it was clean and is now a placeholder. */
    boolean evictNow(String rel) throws IOException {
        Path file = paths.file(rel);
        Object inode = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        lock.lock();
        try {
            var a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || !Placeholders.equalsSynced(file, a.size(), a.lastModifiedTime().toInstant())
                    || busyPaths.get().test(rel)) {
                return false;
            }
            used = -1; // measured again at the next reservation
            return remoteContent.evict(file, rel, inode, busyPaths.get());
        } finally {
            lock.unlock();
        }
    }
}
