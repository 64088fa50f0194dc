package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Room kept free on the state disk for what must never fail for want of space: journal records (the close of a
 * file written up to the limit must still be recorded) and the volume registry (a Mount on a full disk must still
 * be counted). File data stops short of it: a write that would eat into it is ENOSPC, as on a full local disk.
 * The headroom is 2% of the disk, at least 4 MiB and at most 64 MiB.
 *
 * <p>FUSE calls writes on many threads at once (the kernel writes back dirty pages in parallel), and each would see
 * the same free space before any of them wrote: so a write reserves its size until it is done, and the check counts
 * the reservations of every volume of this process (they share the state disk).
 */
final class SpaceHeadroom {

    private static final long MIN_BYTES = 4L << 20;
    private static final long MAX_BYTES = 64L << 20;
    /** Bytes of writes under way in this process, which the disk's free space does not show yet. */
    private static final AtomicLong IN_FLIGHT = new AtomicLong();

    private final FileStore store;
    private final long bytes;

    SpaceHeadroom(FileStore store) throws IOException {
        this.store = store;
        this.bytes = Math.clamp(store.getTotalSpace() / 50, MIN_BYTES, MAX_BYTES);
    }

    /**
     * Reserves {@code wanted} bytes for a write, or throws ENOSPC (as NIO reports it) if that would eat into the
     * headroom. The caller must {@link Reservation#close} it when the write is done.
     */
    Reservation reserve(long wanted) throws IOException {
        long inFlight = IN_FLIGHT.addAndGet(wanted);
        if (store.getUsableSpace() - inFlight < bytes) {
            IN_FLIGHT.addAndGet(-wanted);
            throw new FileSystemException(null, null, "No space left on device");
        }
        return () -> IN_FLIGHT.addAndGet(-wanted);
    }

    /** Space held for a write under way. */
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    /** What file data may still use: the disk's usable space less the headroom. */
    long availableForData() throws IOException {
        return Math.max(0, store.getUsableSpace() - bytes);
    }
}
