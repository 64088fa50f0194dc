package io.cloudsync.writeback;

import java.nio.file.Path;
import java.util.Optional;

/** Where the uploader finds the local content of a volume path: the regular file in the cache, if there is one. */
@FunctionalInterface
public interface UploadSource {
    Optional<Path> regularFile(String relativePath);
}
