package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the cache directory says about content that is still in the bucket, kept in extended attributes of the
 * cache nodes themselves ("the cache directory is the index"):
 * <ul>
 *   <li>{@code user.cloudsync.unlisted} on a directory: its children in the bucket are not yet in the cache; the
 *       value is the volume path it was created for.</li>
 *   <li>{@code user.cloudsync.remote} on a file: it is a placeholder of the right size whose bytes are in the
 *       bucket; the value is "VERSION\nLISTED-AS-PATH". {@code user.cloudsync.present} lists the byte ranges
 *       fetched so far ({@link RangeSet}). A file without them is complete in the cache.</li>
 *   <li>{@code user.cloudsync.synced} on a file: the bucket holds version VERSION of it, equal to the local file
 *       as long as its size and mtime are still SIZE and MTIME ("VERSION SIZE MTIME-NANOS"); written by a listing
 *       and after each upload. Without it, or with other size or mtime, the local file may differ from the bucket.</li>
 * </ul>
 * An attribute is written after what it describes and removed last, so a crash leaves at worst a range fetched
 * twice or a directory listed twice (listing skips names that exist). Attributes are read and written by path,
 * never by opening the node ({@link NodeXattrs}): a FIFO that took a file's name meanwhile cannot block a caller.
 */
final class Placeholders {

    private static final String UNLISTED = "cloudsync.unlisted";
    private static final String REMOTE = "cloudsync.remote";
    private static final String PRESENT = "cloudsync.present";
    private static final String SYNCED = "cloudsync.synced";

    /** The remote state of a placeholder file. */
    record RemoteFile(String version, String listedAs, RangeSet present) {
    }

    /** Which version of the bucket the local file equals, while it has this size and mtime. */
    record Synced(String version, long size, long mtimeNanos) {

        boolean matches(long currentSize, java.time.Instant currentMtime) {
            return currentSize == size && nanos(currentMtime) == mtimeNanos;
        }

        java.time.Instant mtime() {
            return java.time.Instant.ofEpochSecond(Math.floorDiv(mtimeNanos, 1_000_000_000L),
                    Math.floorMod(mtimeNanos, 1_000_000_000L));
        }

        static long nanos(java.time.Instant t) {
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
    }

    /** Whether a file of {@code size} and {@code mtime} still equals the version it was listed or uploaded as. */
    static boolean equalsSynced(Path file, long size, java.time.Instant mtime) throws IOException {
        Optional<Synced> synced = synced(file);
        return synced.isPresent() && synced.get().matches(size, mtime);
    }

    static void markSynced(Path file, String version, long size, java.time.Instant mtime) throws IOException {
        write(file, SYNCED, version + " " + size + " " + Synced.nanos(mtime));
    }

    static Optional<Synced> synced(Path file) throws IOException {
        Optional<String> value = read(file, SYNCED);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = value.get().split(" ");
        try {
            return parts.length == 3
                    ? Optional.of(new Synced(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // unreadable: the file is taken as possibly different from the bucket
        }
    }

    private Placeholders() {
    }

    static void markUnlisted(Path dir, String listedAs) throws IOException {
        write(dir, UNLISTED, listedAs);
    }

    static boolean isUnlisted(Path dir) throws IOException {
        return read(dir, UNLISTED).isPresent();
    }

    static void markListed(Path dir) throws IOException {
        remove(dir, UNLISTED);
    }

    static void markRemote(Path file, String version, String listedAs) throws IOException {
        write(file, PRESENT, "");
        write(file, REMOTE, version + "\n" + listedAs);
    }

    /** The remote state of {@code file}, or empty if it is complete in the cache (or not a regular file). */
    static Optional<RemoteFile> remoteFile(Path file) throws IOException {
        Optional<String> remote = read(file, REMOTE);
        if (remote.isEmpty()) {
            return Optional.empty();
        }
        String value = remote.get();
        int nl = value.indexOf('\n');
        String version = nl < 0 ? value : value.substring(0, nl);
        String listedAs = nl < 0 ? "" : value.substring(nl + 1);
        return Optional.of(new RemoteFile(version, listedAs, RangeSet.parse(read(file, PRESENT).orElse(""))));
    }

    static void setPresent(Path file, RangeSet present) throws IOException {
        write(file, PRESENT, present.format());
    }

    /** The file is complete in the cache: it is an ordinary cache file from now on. */
    static void markComplete(Path file) throws IOException {
        remove(file, REMOTE);
        remove(file, PRESENT);
    }

    /** One lgetxattr in the common case (no such attribute), since this runs on every read of a file. */
    private static Optional<String> read(Path node, String name) throws IOException {
        return NodeXattrs.read(node, name);
    }

    private static void write(Path node, String name, String value) throws IOException {
        NodeXattrs.write(node, name, value);
    }

    private static void remove(Path node, String name) throws IOException {
        NodeXattrs.remove(node, name);
    }
}
