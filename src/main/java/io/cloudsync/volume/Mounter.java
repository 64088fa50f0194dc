package io.cloudsync.volume;

import java.io.IOException;
import java.nio.file.Path;

/** Makes an open volume visible at a mountpoint; the FUSE version in production, a fake in unit tests. */
public interface Mounter {

    /** Mounts {@code volume} at {@code mountpoint} and returns only when the mount answers. */
    Mount mount(OpenVolume volume, Path mountpoint) throws IOException;

    /** Removes whatever a crashed process may have left mounted at {@code mountpoint} (a dead FUSE mount). */
    void cleanStale(Path mountpoint) throws IOException;

    /** A live mount. Closing it unmounts; closing twice is harmless. */
    interface Mount extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
