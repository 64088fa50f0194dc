package io.cloudsync.cache;

/**
 * Told when a name in the volume starts to stand for a different file without a request through the mount: a
 * refresh took in an object another tool replaced or deleted, or a conflict gave the name to the other tool's
 * version. The FUSE layer makes the kernel forget what it cached for that name (with its writeback cache the
 * kernel trusts its own size of an inode it holds, so a new size would not show otherwise).
 */
public interface StaleEntries {

    /** Nobody to tell (no mount, or tests of the cache alone). */
    StaleEntries NONE = rel -> { };

    /** {@code rel} (journal form, "" is the root) names another file, or none, since this moment. */
    void entryChanged(String rel);
}
