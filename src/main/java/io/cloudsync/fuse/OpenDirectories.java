package io.cloudsync.fuse;

import io.cloudsync.cache.DirEntry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listing each open directory handle reads from. Why: the kernel reads a directory in pieces of a few kilobytes
 * and libfuse 3.14 passes the attributes of a READDIRPLUS reply on to the kernel only when the filesystem numbers
 * its entries (without offsets it answers from its own buffer and leaves the attributes out, so every entry of a
 * {@code find} costs a lookup of its own). Numbered entries mean one readdir call per piece; the handle keeps the
 * listing taken at offset 0, so a directory is listed once per pass and not once per piece.
 */
final class OpenDirectories {

    private final AtomicLong nextHandle = new AtomicLong(1);
    private final Map<Long, List<DirEntry>> listings = new ConcurrentHashMap<>();

    long open() {
        return nextHandle.getAndIncrement();
    }

    /** Keeps {@code entries} as what the handle reads from now on (a read from offset 0 lists again). */
    void keep(long handle, List<DirEntry> entries) {
        listings.put(handle, entries);
    }

    /** The listing the handle read last, or null if it has read none yet. */
    List<DirEntry> listing(long handle) {
        return listings.get(handle);
    }

    void release(long handle) {
        listings.remove(handle);
    }
}
