package io.cloudsync.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fills placeholder files from the bucket: the ranges a read needs, with read-ahead that grows while a handle
 * reads on sequentially (so reading the first MiB of a huge object fetches about a MiB), or the whole file before
 * it is changed.
 *
 * <p>What is fetched is clean (the bucket has it), so losing it in a crash costs only a new fetch; what must never
 * happen is a placeholder's record (the present ranges, or its turning complete: see {@link Placeholders}) claiming
 * bytes that a crash turns back into a hole. Invariant: <b>a range is recorded only after the file was forced with
 * it in</b>. Forcing after every fetch would put a disk flush in every read that misses, so a fetch for a read only
 * writes the bytes and notes the range in the handle's {@link FetchedRanges}, in memory, where further reads
 * through that handle find it; the handle records them with one force when it is closed (or when a change
 * completes the file first). A crash before that forgets the note, and the ranges are fetched again.
 *
 * <p>A reader that streams (its read-ahead grew to {@link #PREFETCH_FROM}) has its next window fetched in the
 * background while it reads the current one ({@link #prefetch}), so the GETs overlap its reads.
 */
final class RemoteContent {

    static final long MIN_FETCH = 256 * 1024;
    static final long MAX_READ_AHEAD = 32L << 20;
    /**
     * How far a read may land from where the last one ended and still count as sequential: the kernel sends its
     * read-ahead requests (1 MiB each) to several FUSE threads at once, so they arrive a little out of order.
     */
    static final long SEQUENTIAL_SLACK = 4L << 20;
    /** A reader whose read-ahead has grown this far streams: the next window is fetched while it reads this one. */
    static final long PREFETCH_FROM = 4L << 20;
    private static final Logger LOG = Logger.getLogger(RemoteContent.class.getName());
    private static final int LOCK_STRIPES = 64;

    /** Takes room in the cache for bytes about to be fetched (see {@link CacheSpace}). */
    interface Room {
        void reserve(long bytes) throws IOException;

        /** The bytes reserved are in the file now (or were not needed). */
        void done(long bytes);

        /** As {@link #reserve}, but false instead of waiting for room (for fetches nobody waits for). */
        boolean tryReserve(long bytes) throws IOException;

        /** The most one fetch may reserve: a share of the cache's bound, so a fetch never waits on itself. */
        long largestFetch();
    }

    private final RemoteTree remote;
    private final OpenFiles openFiles;
    private final Room room;
    /** Fetches of one file are serialised (two readers of one range fetch it once); stripes bound the locks. */
    private final Object[] locks = new Object[LOCK_STRIPES];
    /** Runs fetches ahead of readers; at most one per open handle at a time. */
    private final ExecutorService prefetcher = Executors.newVirtualThreadPerTaskExecutor();

    RemoteContent(RemoteTree remote, OpenFiles openFiles, Room room) {
        this.remote = remote;
        this.openFiles = openFiles;
        this.room = room;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** What {@link #ensureRange} did. */
    enum Outcome {
        /** The range was local already. */
        PRESENT,
        /** Bytes were fetched; the file is still a placeholder. */
        FETCHED,
        /** The file is complete in the cache (it is no placeholder any more). */
        COMPLETE,
        /** The cache has no room for the bytes (nothing clean to evict): {@link #readDirect} serves the read. */
        NO_ROOM
    }

    /** The read-ahead a sequential reader may grow to. */
    long maxReadAhead() {
        return Math.max(MIN_FETCH, Math.min(MAX_READ_AHEAD, room.largestFetch()));
    }

    /**
     * Makes [offset, offset + length) of the file local for a read through the handle that noted {@code fetched},
     * fetching from the first missing byte to {@code readAhead} beyond the read (at least {@link #MIN_FETCH}).
     */
    Outcome ensureRange(Path file, String rel, FileChannel channel, FetchedRanges fetched, long offset, long length,
                        long readAhead) throws IOException {
        Optional<Placeholders.RemoteFile> seen = Placeholders.remoteFile(file);
        if (seen.isEmpty()) {
            return Outcome.COMPLETE;
        }
        RangeSet local = seen.get().present().union(fetched.of(seen.get().version()));
        if (local.missing(offset, Math.min(channel.size(), offset + length)).isEmpty()) {
            return Outcome.PRESENT; // a read of bytes already here takes no room
        }
        // Room is taken before the file's lock (an eviction holds the room's lock and then takes file locks), for
        // the most this fetch can bring; what it does not need is given back at the next measurement. A read never
        // waits for uploads to make room: without room it is served from the bucket and kept nowhere, so a file
        // larger than the whole cache can still be read through one handle.
        long reserved = Math.min(length + Math.max(readAhead, MIN_FETCH), Math.max(0, channel.size() - offset));
        if (!room.tryReserve(reserved)) {
            return Outcome.NO_ROOM;
        }
        try {
            return fetchRange(file, rel, channel, fetched, offset, length, readAhead);
        } finally {
            room.done(reserved);
        }
    }

    private Outcome fetchRange(Path file, String rel, FileChannel channel, FetchedRanges fetched, long offset,
                               long length, long readAhead) throws IOException {
        synchronized (lockFor(rel)) {
            Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
            if (state.isEmpty()) {
                return Outcome.COMPLETE;
            }
            String version = state.get().version();
            RangeSet local = state.get().present().union(fetched.of(version));
            long size = channel.size();
            long readEnd = Math.min(size, offset + length);
            List<long[]> missing = local.missing(offset, readEnd);
            if (missing.isEmpty()) {
                return Outcome.PRESENT;
            }
            long from = missing.get(0)[0];
            long end = Math.min(size, Math.max(readEnd + readAhead, from + MIN_FETCH));
            for (long[] gap : local.missing(from, end)) {
                remote.fetch(state.get().listedAs(), rel, version, gap[0], gap[1] - gap[0], channel);
                fetched.add(version, gap[0], gap[1]);
            }
            keepSyncedMtime(file);
            return Outcome.FETCHED;
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} of a placeholder of {@code size} bytes straight from the
     * bucket into {@code dst} (up to the end of the file), keeping nothing in the cache; returns how many, or -1 if
     * the file was completed meanwhile (by a writer): then the cache file holds the bytes.
     */
    int readDirect(Path file, String rel, long size, ByteBuffer dst, long offset) throws IOException {
        Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
        if (state.isEmpty()) {
            return -1;
        }
        int length = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        if (length > 0) {
            remote.fetch(state.get().listedAs(), rel, state.get().version(), offset, length,
                    RangeSink.buffer(dst, offset, size));
            dst.position(dst.position() + length);
        }
        return length;
    }

    /**
     * Starts fetching ahead of a streaming reader of {@code open}, in the background, so that its next reads find
     * the bytes local instead of waiting for a GET: once less than half of [from, from + window) is local, the
     * window from the first missing byte is fetched. At most one such fetch per handle runs at a time; none starts
     * if the cache has no room for it now. The handle waits for it before it records and closes
     * ({@link #awaitPrefetch}), since it writes into the handle's file.
     */
    void prefetch(OpenFile open, Path file, String rel, long from, long window) throws IOException {
        Future<?> running = open.prefetch.get();
        if (running != null && !running.isDone()) {
            return;
        }
        Optional<Placeholders.RemoteFile> seen = Placeholders.remoteFile(file);
        if (seen.isEmpty()) {
            return;
        }
        RangeSet local = seen.get().present().union(open.fetched.of(seen.get().version()));
        List<long[]> missing = local.missing(from, Math.min(open.channel.size(), from + window));
        if (missing.isEmpty() || missing.get(0)[0] > from + window / 2) {
            return;
        }
        long start = missing.get(0)[0];
        FutureTask<Void> task = new FutureTask<>(() -> {
            prefetchNow(open, file, rel, start, window);
            return null;
        });
        if (open.prefetch.compareAndSet(running, task)) {
            prefetcher.execute(task);
        }
    }

    private void prefetchNow(OpenFile open, Path file, String rel, long start, long window) {
        try {
            long wanted = Math.min(window, Math.max(0, open.channel.size() - start));
            if (!room.tryReserve(wanted)) {
                return; // the cache is full now: the reader fetches what it reads, as without read-ahead
            }
            try {
                synchronized (lockFor(rel)) {
                    Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
                    if (state.isEmpty()) {
                        return;
                    }
                    String version = state.get().version();
                    RangeSet local = state.get().present().union(open.fetched.of(version));
                    for (long[] gap : local.missing(start, Math.min(open.channel.size(), start + window))) {
                        remote.fetch(state.get().listedAs(), rel, version, gap[0], gap[1] - gap[0], open.channel);
                        open.fetched.add(version, gap[0], gap[1]);
                    }
                    keepSyncedMtime(file);
                }
            } finally {
                room.done(wanted);
            }
        } catch (IOException | RuntimeException e) {
            // Nobody waits for this fetch: a read of these bytes fetches them itself and reports the failure.
            LOG.log(Level.FINE, "fetching ahead of the reader of " + rel + " from byte " + start + " failed", e);
        }
    }

    /** Waits until the handle's fetch ahead (if any) has ended: it writes into the handle's file. */
    void awaitPrefetch(OpenFile open) throws IOException {
        Future<?> running = open.prefetch.get();
        if (running == null) {
            return;
        }
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the fetch ahead of the reader of "
                    + open.path());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("fetching ahead of the reader of " + open.path() + " failed", e.getCause());
        }
    }

    /** Fetches everything still missing, so the file can be changed locally; {@code fetched} may be null. */
    void complete(Path file, String rel, FileChannel channel, FetchedRanges fetched) throws IOException {
        if (Placeholders.remoteFile(file).isEmpty()) {
            return;
        }
        long reserved = channel.size();
        room.reserve(reserved);
        try {
            completeLocked(file, rel, channel, fetched);
        } finally {
            room.done(reserved);
        }
    }

    private void completeLocked(Path file, String rel, FileChannel channel, FetchedRanges fetched)
            throws IOException {
        synchronized (lockFor(rel)) {
            Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
            if (state.isEmpty()) {
                return;
            }
            String version = state.get().version();
            RangeSet local = fetched == null ? state.get().present()
                    : state.get().present().union(fetched.of(version));
            for (long[] gap : local.missing(0, channel.size())) {
                remote.fetch(state.get().listedAs(), rel, version, gap[0], gap[1] - gap[0], channel);
            }
            keepSyncedMtime(file);
            channel.force(false); // before the record says complete (see the class comment)
            Placeholders.markComplete(file);
            if (fetched != null) {
                fetched.clear();
            }
        }
    }

    /**
     * Records the ranges a handle fetched, once they are forced to disk (see the class comment); called before the
     * handle leaves the open files, so the file cannot be evicted meanwhile. Nothing is recorded into another file
     * than the one the handle opened (its name may have been replaced since) or into another version.
     */
    void recordFetched(Path file, String rel, FileChannel channel, FetchedRanges fetched) throws IOException {
        synchronized (lockFor(rel)) {
            Optional<Placeholders.RemoteFile> state;
            try {
                if (!fetched.inode().equals(Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                    fetched.clear();
                    return;
                }
                state = Placeholders.remoteFile(file);
            } catch (NoSuchFileException gone) {
                fetched.clear();
                return;
            }
            if (state.isEmpty()) {
                fetched.clear(); // completed meanwhile: its record says so already
                return;
            }
            RangeSet news = fetched.of(state.get().version());
            if (news.ranges().isEmpty()) {
                return;
            }
            channel.force(false);
            RangeSet present = state.get().present().union(news);
            if (present.covers(channel.size())) {
                Placeholders.markComplete(file);
            } else {
                Placeholders.setPresent(file, present);
            }
            fetched.clear();
        }
    }

    /** The ranges that open handles of {@code rel} fetched from {@code version} and have not recorded yet. */
    RangeSet unrecorded(String rel, String version) {
        RangeSet all = RangeSet.EMPTY;
        for (FetchedRanges f : openFiles.fetchedRangesOf(rel)) {
            all = all.union(f.of(version));
        }
        return all;
    }

    /** Writing fetched bytes set the cache file's mtime; a read must not change it (it still equals its version). */
    private static void keepSyncedMtime(Path file) throws IOException {
        Optional<Placeholders.Synced> synced = Placeholders.synced(file);
        if (synced.isPresent()) {
            NodeSetup.setTimes(file, null, synced.get().mtime());
        }
    }

    /**
     * Turns a clean file back into a placeholder of the version it equals in the bucket: its data goes, its name,
     * size, attributes and version stay. Refused (false) if it is open, busy, no longer the same file (inode), or
     * changed since it was found clean. Opening a file takes the same lock, so an open either sees the placeholder
     * or keeps the file from being evicted.
     */
    boolean evict(Path file, String rel, Object inode, java.util.function.Predicate<String> busy) throws IOException {
        synchronized (lockFor(rel)) {
            if (openFiles.isOpen(rel) || busy.test(rel)) {
                return false;
            }
            java.util.Map<String, Object> a;
            try {
                a = Files.readAttributes(file, "unix:ino,size,lastModifiedTime,isRegularFile",
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException gone) {
                return false;
            }
            if (!a.get("ino").equals(inode) || !(Boolean) a.get("isRegularFile")) {
                return false; // replaced meanwhile (by a FIFO, maybe, which the open below would block on)
            }
            long size = (Long) a.get("size");
            java.time.Instant mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant();
            Optional<Placeholders.Synced> synced = Placeholders.synced(file);
            if (synced.isEmpty() || !synced.get().matches(size, mtime)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                channel.truncate(0);
            }
            try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                sparse.setLength(size); // a hole of the file's size: the bytes are fetched again when read
            }
            Placeholders.markRemote(file, synced.get().version(), rel);
            NodeSetup.setTimes(file, null, mtime);
            return true;
        }
    }

    Object lockFor(String rel) {
        return locks[Math.floorMod(rel.hashCode(), LOCK_STRIPES)];
    }
}
