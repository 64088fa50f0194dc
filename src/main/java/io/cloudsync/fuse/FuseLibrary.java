package io.cloudsync.fuse;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where libfuse3 is loaded from. By path, because {@code loadLibrary("fuse3")} needs the -dev package's symlink;
 * the same path exists in the plugin's rootfs. Overridable with the system property {@value #PROPERTY} or the
 * environment variable {@value #ENV}.
 */
public final class FuseLibrary {

    public static final String PROPERTY = "cloudsync.fuse.library";
    public static final String ENV = "CLOUDSYNC_FUSE_LIBRARY";
    public static final String DEFAULT_PATH = "/usr/lib/x86_64-linux-gnu/libfuse3.so.3";

    private FuseLibrary() {
    }

    /** The configured path of libfuse3.so.3; fails clearly if no file is there. */
    public static Path path() {
        String configured = System.getProperty(PROPERTY);
        String source = "system property " + PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
            source = "environment variable " + ENV;
        }
        if (configured == null || configured.isBlank()) {
            configured = DEFAULT_PATH;
            source = "the default (install the Debian package libfuse3-3, or set " + PROPERTY + " or " + ENV + ")";
        }
        Path path = Path.of(configured);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("libfuse3 not found at " + path + ", from " + source);
        }
        return path;
    }
}
