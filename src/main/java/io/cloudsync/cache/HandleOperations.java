package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;
import io.cloudsync.util.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The operations of {@link VolumeCache} on open files. A write only marks its handle dirty (after the data is in,
 * so a concurrent flush either sees the data or leaves the flag for later); flush and release journal a dirty
 * handle once. The monitor of an {@link OpenFile} is held only while its own record is appended.
 */
final class HandleOperations {

    private static final Logger LOG = Logger.getLogger(HandleOperations.class.getName());

    private final CachePaths paths;
    private final Journal journal;
    private final OpenFiles openFiles;
    private final boolean readOnly;
    private final RemoteContent remoteContent;
    private volatile WaitingUploads waitingUploads = WaitingUploads.NONE;

    HandleOperations(CachePaths paths, Journal journal, OpenFiles openFiles, boolean readOnly,
                     RemoteContent remoteContent) {
        this.paths = paths;
        this.journal = journal;
        this.openFiles = openFiles;
        this.readOnly = readOnly;
        this.remoteContent = remoteContent;
    }

    void useWaitingUploads(WaitingUploads uploads) {
        this.waitingUploads = uploads;
    }

    long create(String rel, int mode, Owner owner, Set<? extends OpenOption> options) throws IOException {
        Path file = paths.file(rel);
        FileChannel channel = FileChannel.open(file, Set.of(CREATE_NEW, READ, WRITE, NOFOLLOW_LINKS),
                NodeSetup.permissions(mode));
        try {
            NodeSetup.applyModeAndOwner(file, mode, NodeSetup.inParent(file.getParent(), owner));
        } catch (IOException | RuntimeException e) {
            channel.close();
            NodeSetup.deleteAfterFailure(file, e);
            throw e;
        }
        return register(channel, rel, options.contains(APPEND), true, true);
    }

    /** Read-write on a writable volume whatever the access: the writeback cache may read on write-only handles. */
    long open(String rel, Set<? extends OpenOption> options) throws IOException {
        boolean truncate = options.contains(TRUNCATE_EXISTING);
        Path file = paths.file(rel);
        FileChannel channel = readOnly
                ? FileChannel.open(file, READ, NOFOLLOW_LINKS)
                : FileChannel.open(file, READ, WRITE, NOFOLLOW_LINKS);
        // Under the file's content lock: an eviction either happened before (the handle sees the placeholder) or
        // sees the handle and leaves the file alone.
        synchronized (remoteContent.lockFor(rel)) {
            boolean placeholder;
            FetchedRanges fetched;
            try {
                if (truncate) {
                    channel.truncate(0);
                    Placeholders.markComplete(file); // nothing of the bucket's bytes is wanted any more
                }
                placeholder = Placeholders.remoteFile(file).isPresent();
                fetched = placeholder ? new FetchedRanges(Files.getAttribute(file, "unix:ino", NOFOLLOW_LINKS)) : null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            long handle = register(channel, rel, options.contains(APPEND), truncate, false);
            OpenFile open = openFiles.get(handle);
            open.fetched = fetched;
            open.placeholder = placeholder;
            return handle;
        }
    }

    private long register(FileChannel channel, String rel, boolean append, boolean dirty, boolean created) {
        OpenFile file = new OpenFile(openFiles.nextHandle(), channel, rel, append, dirty, created);
        openFiles.add(file);
        return file.handle;
    }

    int read(long handle, ByteBuffer dst, long offset) throws IOException {
        OpenFile open = openFiles.get(handle);
        if (open.placeholder && !fetchForRead(open, offset, dst.remaining())) {
            int direct = remoteContent.readDirect(paths.file(open.path()), open.path(), open.channel.size(), dst,
                    offset);
            if (direct >= 0) {
                return direct;
            }
        }
        FileChannel channel = open.channel;
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Read-ahead starts at {@link RemoteContent#MIN_FETCH} beyond the read, doubles with each fetch while reads go
     * on about where the last one ended (up to {@link RemoteContent#maxReadAhead}), and starts small again after a
     * seek. "About": within {@link RemoteContent#SEQUENTIAL_SLACK}, as the kernel's own read-ahead requests arrive
     * out of order; concurrent reads of one handle may race on these hints, which costs at most a smaller fetch.
     * False if the cache has no room for the bytes: the read is then served straight from the bucket.
     */
    private boolean fetchForRead(OpenFile open, long offset, int length) throws IOException {
        long end = offset + length;
        if (Math.abs(offset - open.nextReadOffset) > RemoteContent.SEQUENTIAL_SLACK) {
            open.readAhead = RemoteContent.MIN_FETCH;
            open.nextReadOffset = end;
        } else {
            open.nextReadOffset = Math.max(open.nextReadOffset, end);
        }
        long readAhead = open.readAhead;
        String rel = open.path();
        Path file = paths.file(rel);
        switch (remoteContent.ensureRange(file, rel, open.channel, open.fetched, offset, length, readAhead)) {
            case COMPLETE -> {
                open.placeholder = false;
                return true;
            }
            case NO_ROOM -> {
                open.readAhead = RemoteContent.MIN_FETCH; // nothing is read ahead into a full cache
                return false;
            }
            case FETCHED -> open.readAhead = Math.min(remoteContent.maxReadAhead(), readAhead * 2);
            case PRESENT -> {
            }
        }
        if (open.readAhead >= RemoteContent.PREFETCH_FROM) {
            remoteContent.prefetch(open, file, rel, open.nextReadOffset, remoteContent.maxReadAhead());
        }
        return true;
    }

    /** Before a change through a handle: the bytes still in the bucket come first, or the change would lose them. */
    private void completeBeforeChange(OpenFile open) throws IOException {
        if (open.placeholder) {
            remoteContent.complete(paths.file(open.path()), open.path(), open.channel, open.fetched);
            open.placeholder = false;
        }
    }

    int write(long handle, ByteBuffer src, long offset) throws IOException {
        OpenFile file = openFiles.get(handle);
        completeBeforeChange(file);
        int written;
        if (file.append) {
            synchronized (file.channel) { // appenders of one handle must not interleave between size() and write
                written = writeFully(file.channel, src, file.channel.size());
            }
        } else {
            written = writeFully(file.channel, src, offset);
        }
        file.markDirty();
        return written;
    }

    private static int writeFully(FileChannel channel, ByteBuffer src, long offset) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            total += channel.write(src, offset + total);
        }
        return total;
    }

    void truncate(long handle, long size) throws IOException {
        OpenFile file = openFiles.get(handle);
        completeBeforeChange(file);
        setLength(file.channel, size);
        file.markDirty();
    }

    /** Cuts or zero-extends: FileChannel.truncate never extends, so one zero byte at the end leaves a hole. */
    static void setLength(FileChannel channel, long size) throws IOException {
        long current = channel.size();
        if (size < current) {
            channel.truncate(size);
        } else if (size > current) {
            channel.write(ByteBuffer.allocate(1), size - 1);
        }
    }

    void setTimes(long handle, Instant accessTime, Instant modifiedTime) throws IOException {
        OpenFile file = openFiles.get(handle);
        NodeSetup.setTimes(paths.file(file.path()), accessTime, modifiedTime);
        file.markDirty();
    }

    void flush(long handle) throws IOException {
        recordIfDirty(openFiles.get(handle));
    }

    void release(long handle) throws IOException {
        // Recorded while the handle is still open, so the file cannot be evicted between the force and the record.
        recordFetched(openFiles.get(handle));
        OpenFile file = openFiles.remove(handle);
        try {
            recordIfDirty(file);
        } finally {
            file.channel.close();
        }
    }

    /**
     * The file's data and the journal record of its change are forced at the same time: the journal's thread forces
     * the log while this one forces the file, and the call returns once both are on disk. Until it returns, a crash
     * may keep either without the other, as it may keep any write not yet fsynced: the volume then holds what the
     * disk kept, and a record without new data only uploads the file as it is.
     */
    void fsync(long handle, boolean dataOnly) throws IOException {
        OpenFile file = openFiles.get(handle);
        recordIfDirty(file);
        Journal.SyncUnderWay journalForce = journal.startSync();
        file.channel.force(!dataOnly);
        if (file.takeEntryUnsynced()) {
            // a new file's name must survive the crash as well as its data
            AtomicFiles.fsyncDirectory(paths.file(file.path()).getParent());
        }
        journalForce.await();
    }

    private void recordIfDirty(OpenFile file) throws IOException {
        synchronized (file) {
            if (!file.takeDirtyLocked() || file.hiddenLocked()) {
                return;
            }
            boolean creation = file.takeUnrecordedCreationLocked();
            if (!creation && waitingUploads.postponeWaitingUpload(file.pathLocked())) {
                // The upload of an earlier record has not started: it reads the file with this change in it. No
                // record, so an fsync that follows has nothing of its own for the journal to force.
                return;
            }
            try {
                journal.record(creation ? new Mutation.FileCreated(file.pathLocked())
                        : new Mutation.FileChanged(file.pathLocked()));
            } catch (IOException | RuntimeException e) {
                file.restoreDirty(); // the next flush or release tries again
                if (creation) {
                    file.restoreUnrecordedCreationLocked();
                }
                throw e;
            }
        }
    }

    /**
     * Records what a handle fetched (see {@link RemoteContent}). A failure only leaves the ranges unrecorded, to be
     * fetched again, so it is logged and the close goes on.
     */
    private void recordFetched(OpenFile file) {
        FetchedRanges fetched = file.fetched;
        if (fetched == null) {
            return;
        }
        String rel = file.path();
        try {
            remoteContent.awaitPrefetch(file);
            remoteContent.recordFetched(paths.file(rel), rel, file.channel, fetched);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "recording the ranges fetched into " + rel + " of " + paths.dataDir()
                    + " failed; they will be fetched again when read", e);
        }
    }

    void closeOpenFiles() {
        for (OpenFile file : openFiles.all()) {
            recordFetched(file);
        }
        for (OpenFile file : openFiles.removeAll()) {
            try (FileChannel ignored = file.channel) {
                recordIfDirty(file);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "closing " + file.path() + " of " + paths.dataDir() + " at unmount failed", e);
            }
        }
    }
}
