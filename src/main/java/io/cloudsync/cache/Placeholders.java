package io.cloudsync.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
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
 * </ul>
 * An attribute is written after what it describes and removed last, so a crash leaves at worst a range fetched
 * twice or a directory listed twice (listing skips names that exist).
 */
final class Placeholders {

    private static final String UNLISTED = "cloudsync.unlisted";
    private static final String REMOTE = "cloudsync.remote";
    private static final String PRESENT = "cloudsync.present";
    /** strerror(ENODATA), as NIO reports an attribute that is not there. */
    private static final String NO_ATTRIBUTE = "No data available";

    /** The remote state of a placeholder file. */
    record RemoteFile(String version, String listedAs, RangeSet present) {
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

    /** One getxattr in the common case (no such attribute: ENODATA), since this runs on every read of a file. */
    private static Optional<String> read(Path node, String name) throws IOException {
        UserDefinedFileAttributeView view = view(node);
        int size;
        try {
            size = view.size(name);
        } catch (FileSystemException e) {
            if (isNoAttribute(e)) {
                return Optional.empty();
            }
            throw e;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        view.read(name, buf);
        return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    /** NIO words it "Unable to get size of extended attribute 'X': No data available" and the like. */
    private static boolean isNoAttribute(FileSystemException e) {
        return e.getReason() != null && e.getReason().endsWith(NO_ATTRIBUTE);
    }

    private static UserDefinedFileAttributeView view(Path node) {
        return Files.getFileAttributeView(node, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static void write(Path node, String name, String value) throws IOException {
        view(node).write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static void remove(Path node, String name) throws IOException {
        try {
            view(node).delete(name);
        } catch (FileSystemException e) {
            if (!isNoAttribute(e)) {
                throw e;
            }
        }
    }
}
