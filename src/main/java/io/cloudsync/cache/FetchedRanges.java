package io.cloudsync.cache;

/**
 * The ranges one handle fetched into its placeholder that the placeholder's extended attributes do not list yet
 * (see {@link RemoteContent}): the bytes are in the cache file, but not known to be on disk, so they may be served
 * through this handle and must not be recorded as present before the file is forced. Also which file and version
 * they belong to, so that they are recorded only into that placeholder. Thread-safe.
 */
final class FetchedRanges {

    /** The inode of the placeholder when the handle opened it. */
    private final Object inode;
    /** The version the ranges were fetched from (null until the first fetch). */
    private String version;
    private RangeSet ranges = RangeSet.EMPTY;

    FetchedRanges(Object inode) {
        this.inode = inode;
    }

    Object inode() {
        return inode;
    }

    /** Bytes [start, end) of {@code fromVersion} are in the file now. */
    synchronized void add(String fromVersion, long start, long end) {
        if (!fromVersion.equals(version)) {
            // Never happens while the handle is open (a placeholder is replaced only when nothing has it open);
            // if it did, ranges of another version must not count.
            version = fromVersion;
            ranges = RangeSet.EMPTY;
        }
        ranges = ranges.with(start, end);
    }

    /** The ranges fetched from {@code ofVersion} and not yet recorded. */
    synchronized RangeSet of(String ofVersion) {
        return ofVersion.equals(version) ? ranges : RangeSet.EMPTY;
    }

    /** The ranges up to now are recorded (or no longer wanted). */
    synchronized void clear() {
        ranges = RangeSet.EMPTY;
    }
}
