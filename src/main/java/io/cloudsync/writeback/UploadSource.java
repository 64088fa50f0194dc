package io.cloudsync.writeback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** Where the uploader finds the local state of a volume path: the node in the cache directory, if there is one. */
@FunctionalInterface
public interface UploadSource {

    /** The cache node of {@code relativePath}; it may be missing or of any type. */
    Path contentPath(String relativePath);

    /** The regular file holding the path's content, if the path is a regular file now. */
    default Optional<Path> regularFile(String relativePath) {
        Path p = contentPath(relativePath);
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }

    default boolean isDirectory(String relativePath) {
        return Files.isDirectory(contentPath(relativePath), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Makes the path's content whole in the cache if part of it is still only in the bucket (a placeholder that
     * was chmod'ed, say): an upload must send the file's bytes, never a placeholder's holes.
     */
    default void completeForUpload(String relativePath) throws IOException {
    }

    /** The version of the bucket the file was listed or last uploaded as, if it is known. */
    default java.util.Optional<String> syncedVersion(String relativePath) throws IOException {
        return java.util.Optional.empty();
    }

    /**
     * A conflict was resolved in the bucket: the local file (its state of {@code size} and {@code mtime}) is now
     * object {@code conflictPath} of {@code version}, and {@code otherVersion} holds its old name. The volume is to
     * show the same.
     */
    default void keepConflict(String relativePath, String conflictPath, String version, long size,
                              java.time.Instant mtime, io.cloudsync.cache.RemoteEntry otherVersion) throws IOException {
    }

    /** A rename moved the file's object, which is now {@code version} (the same bytes under a new ETag, maybe). */
    default void versionMoved(String relativePath, String version) throws IOException {
    }

    /** The file's state of {@code size} and {@code mtime} is now {@code version} in the bucket. */
    default void recordUploaded(String relativePath, String version, long size, java.time.Instant mtime)
            throws IOException {
    }

    /** Whether anything (file, directory, symlink, special file) is at the path now. */
    default boolean exists(String relativePath) {
        return Files.exists(contentPath(relativePath), LinkOption.NOFOLLOW_LINKS);
    }
}
