package io.cloudsync.volume;

import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.cache.VolumeCache;
import io.cloudsync.writeback.UploadSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** The uploader's view of a volume's cache: where content is, and what the cache learns from each upload. */
public final class CacheUploadSource implements UploadSource {

    private final VolumeCache cache;

    public CacheUploadSource(VolumeCache cache) {
        this.cache = cache;
    }

    @Override
    public Path contentPath(String relativePath) {
        return cache.contentPath(relativePath);
    }

    @Override
    public void completeForUpload(String relativePath) throws IOException {
        cache.completeForUpload(relativePath);
    }

    @Override
    public Optional<String> syncedVersion(String relativePath) throws IOException {
        return cache.syncedVersion(relativePath);
    }

    @Override
    public void recordUploaded(String relativePath, String version, long size, Instant mtime) throws IOException {
        cache.recordUploaded(relativePath, version, size, mtime);
    }

    @Override
    public void versionMoved(String relativePath, String version) throws IOException {
        cache.versionMoved(relativePath, version);
    }

    @Override
    public void keepConflict(String relativePath, String conflictPath, String version, long size, Instant mtime,
                             RemoteEntry otherVersion) throws IOException {
        cache.keepConflict(relativePath, conflictPath, version, size, mtime, otherVersion);
    }
}
