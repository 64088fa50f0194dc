package io.cloudsync.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fills placeholder files from the bucket: the ranges a read needs, with read-ahead that grows while a handle
 * reads on sequentially (so reading the first MiB of a huge object fetches about a MiB), or the whole file before
 * it is changed. Fetched bytes are forced to disk before the range is recorded as present, so a crash never leaves
 * a range marked present that holds zeros.
 */
final class RemoteContent {

    static final long MIN_FETCH = 256 * 1024;
    static final long MAX_READ_AHEAD = 8L << 20;
    private static final int LOCK_STRIPES = 64;

    /** Takes room in the cache for bytes about to be fetched (see {@link CacheSpace}). */
    interface Room {
        void reserve(long bytes) throws IOException;

        /** The bytes reserved are in the file now (or were not needed). */
        void done(long bytes);
    }

    private final RemoteTree remote;
    private final OpenFiles openFiles;
    private final Room room;
    /** Fetches of one file are serialised (two readers of one range fetch it once); stripes bound the locks. */
    private final Object[] locks = new Object[LOCK_STRIPES];

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
        /** Bytes were fetched; the file is still partly remote. */
        FETCHED,
        /** The file is complete in the cache (it is no placeholder any more). */
        COMPLETE
    }

    /** Makes [offset, offset + length) of the file local, fetching up to {@code readAhead} from the first gap. */
    Outcome ensureRange(Path file, String rel, FileChannel channel, long offset, long length, long readAhead)
            throws IOException {
        Optional<Placeholders.RemoteFile> seen = Placeholders.remoteFile(file);
        if (seen.isEmpty()) {
            return Outcome.COMPLETE;
        }
        if (seen.get().present().missing(offset, Math.min(channel.size(), offset + length)).isEmpty()) {
            return Outcome.PRESENT; // a read of bytes already here takes no room
        }
        // Room is taken before the file's lock (an eviction holds the room's lock and then takes file locks), for
        // the most this fetch can bring; what it does not need is given back at the next measurement.
        long reserved = Math.max(length, Math.max(readAhead, MIN_FETCH));
        room.reserve(reserved);
        try {
            return fetchRange(file, rel, channel, offset, length, readAhead);
        } finally {
            room.done(reserved);
        }
    }

    private Outcome fetchRange(Path file, String rel, FileChannel channel, long offset, long length, long readAhead)
            throws IOException {
        synchronized (lockFor(rel)) {
            Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
            if (state.isEmpty()) {
                return Outcome.COMPLETE;
            }
            long size = channel.size();
            List<long[]> missing = state.get().present().missing(offset, Math.min(size, offset + length));
            if (missing.isEmpty()) {
                return Outcome.PRESENT;
            }
            long end = Math.min(size, missing.get(0)[0] + Math.max(readAhead, MIN_FETCH));
            // Fetch from the first missing byte to the read-ahead end, minus what is already here.
            RangeSet present = state.get().present();
            for (long[] gap : present.missing(missing.get(0)[0], Math.max(end, missing.get(missing.size() - 1)[1]))) {
                remote.fetch(state.get().listedAs(), rel, state.get().version(), gap[0], gap[1] - gap[0], channel);
                present = present.with(gap[0], gap[1]);
            }
            return record(file, channel, present, size) ? Outcome.COMPLETE : Outcome.FETCHED;
        }
    }

    /** Fetches everything still missing, so the file can be changed locally. */
    void complete(Path file, String rel, FileChannel channel) throws IOException {
        if (Placeholders.remoteFile(file).isEmpty()) {
            return;
        }
        long reserved = channel.size();
        room.reserve(reserved);
        try {
            completeLocked(file, rel, channel);
        } finally {
            room.done(reserved);
        }
    }

    private void completeLocked(Path file, String rel, FileChannel channel) throws IOException {
        synchronized (lockFor(rel)) {
            Optional<Placeholders.RemoteFile> state = Placeholders.remoteFile(file);
            if (state.isEmpty()) {
                return;
            }
            long size = channel.size();
            RangeSet present = state.get().present();
            for (long[] gap : present.missing(0, size)) {
                remote.fetch(state.get().listedAs(), rel, state.get().version(), gap[0], gap[1] - gap[0], channel);
                present = present.with(gap[0], gap[1]);
            }
            record(file, channel, present, size);
        }
    }

    private boolean record(Path file, FileChannel channel, RangeSet present, long size) throws IOException {
        // Writing the fetched bytes set the cache file's mtime; a read must not change it (and the file still
        // equals the version it was listed as).
        Optional<Placeholders.Synced> synced = Placeholders.synced(file);
        if (synced.isPresent()) {
            NodeSetup.setTimes(file, null, synced.get().mtime());
        }
        channel.force(false);
        if (present.covers(size)) {
            Placeholders.markComplete(file);
            return true;
        }
        Placeholders.setPresent(file, present);
        return false;
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
