package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;

/**
 * Room kept free on the state disk for what must never fail for want of space: journal records (the close of a
 * file written up to the limit must still be recorded) and the volume registry (a Mount on a full disk must still
 * be counted). File data stops short of it: a write that would eat into it is ENOSPC, as on a full local disk.
 * The headroom is 2% of the disk, at least 4 MiB and at most 64 MiB.
 */
final class SpaceHeadroom {

    private static final long MIN_BYTES = 4L << 20;
    private static final long MAX_BYTES = 64L << 20;

    private final FileStore store;
    private final long bytes;

    SpaceHeadroom(FileStore store) throws IOException {
        this.store = store;
        this.bytes = Math.clamp(store.getTotalSpace() / 50, MIN_BYTES, MAX_BYTES);
    }

    /** Throws ENOSPC (as NIO reports it) unless {@code wanted} more bytes leave the headroom free. */
    void requireRoomFor(long wanted) throws IOException {
        if (store.getUsableSpace() - wanted < bytes) {
            throw new FileSystemException(null, null, "No space left on device");
        }
    }

    /** What file data may still use: the disk's usable space less the headroom. */
    long availableForData() throws IOException {
        return Math.max(0, store.getUsableSpace() - bytes);
    }
}
