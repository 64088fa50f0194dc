package io.cloudsync.cache;

import java.nio.channels.FileChannel;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One open handle on a cache file. Writes only set {@link #dirty} (after the data is written), so the hot path
 * takes no lock. The monitor of this object guards {@link #path} and {@link #hidden}: a flush records the file
 * under the path it holds while holding the monitor, and a rename updates the path under the same monitor before
 * it records its own mutations, so a flush's record never comes after a rename's records for the same file.
 */
final class OpenFile {

    final long handle;
    final FileChannel channel;
    /** The FUSE open asked for O_APPEND and the kernel does not handle it (no writeback cache): write at the end. */
    final boolean append;
    private final AtomicBoolean dirty;
    /** Created by this handle: its directory entry is forced at the first fsync. */
    private volatile boolean entryUnsynced;

    private String path;
    /**
     * The handle created its file and nothing has been journaled for it yet, and it was not renamed since: its
     * first record says "created" (no object can exist for the name). Guarded by the monitor.
     */
    private boolean unrecordedCreation;
    /** Detached from the volume (unlinked while open): nothing done through it is journaled. */
    private boolean hidden;
    /** The file was a placeholder (bytes partly in the bucket) when opened; cleared once it is complete. */
    volatile boolean placeholder;
    /** Ranges fetched through this handle and not yet recorded in the placeholder; null if it opened no placeholder. */
    volatile FetchedRanges fetched;
    /** The fetch ahead of this handle's reader that runs or ran last (see RemoteContent#prefetch). */
    final AtomicReference<Future<?>> prefetch = new AtomicReference<>();
    /** Where a sequential read would go on, and the read-ahead it has earned (see RemoteContent). */
    volatile long nextReadOffset;
    volatile long readAhead = RemoteContent.MIN_FETCH;

    OpenFile(long handle, FileChannel channel, String path, boolean append, boolean dirty, boolean created) {
        this.handle = handle;
        this.channel = channel;
        this.path = path;
        this.append = append;
        this.dirty = new AtomicBoolean(dirty);
        this.entryUnsynced = created;
        this.unrecordedCreation = created;
    }

    void markDirty() {
        dirty.set(true);
    }

    /** Clears the dirty flag and says whether it was set; call with the monitor held. */
    boolean takeDirtyLocked() {
        return dirty.getAndSet(false);
    }

    /** Sets the flag again after a journal append failed, so the next flush or release retries it. */
    void restoreDirty() {
        dirty.set(true);
    }

    boolean takeEntryUnsynced() {
        boolean was = entryUnsynced;
        entryUnsynced = false;
        return was;
    }

    synchronized String path() {
        return path;
    }

    /** Call with the monitor held. */
    String pathLocked() {
        return path;
    }

    /** Says, once, whether the next record of this handle is its file's creation; call with the monitor held. */
    boolean takeUnrecordedCreationLocked() {
        boolean was = unrecordedCreation;
        unrecordedCreation = false;
        return was;
    }

    /** After a failed journal append; call with the monitor held. */
    void restoreUnrecordedCreationLocked() {
        unrecordedCreation = true;
    }

    /** Call with the monitor held. */
    boolean hiddenLocked() {
        return hidden;
    }

    synchronized void moveTo(String newPath, boolean newHidden) {
        this.path = newPath;
        this.hidden = newHidden;
        this.unrecordedCreation = false; // the new name may have replaced a file that has an object
    }
}
