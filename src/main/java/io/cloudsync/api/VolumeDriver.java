package io.cloudsync.api;

import java.util.List;
import java.util.Map;

/**
 * What the Docker volume plugin protocol asks of a driver, one method per endpoint. Any exception a method
 * throws reaches Docker as HTTP 500 with its message in {@code Err}; the message is what the user reads after
 * "docker volume ...", so it must say what went wrong and what to do. Implementations are thread-safe.
 */
public interface VolumeDriver {

    /** Creates a volume, or succeeds without change if one with this name and the same options exists. */
    void create(String name, Map<String, String> options) throws Exception;

    /** Removes a volume that no container has mounted. */
    void remove(String name) throws Exception;

    /** Mounts the volume for the container mount {@code mountId}; returns the mountpoint (a path inside the plugin). */
    String mount(String name, String mountId) throws Exception;

    /** Releases the container mount {@code mountId}; the last release stops the mount. */
    void unmount(String name, String mountId) throws Exception;

    /** The mountpoint of a mounted volume, or the empty string if it is not mounted. */
    String path(String name) throws Exception;

    /** One volume, with its status. */
    VolumeInfo get(String name) throws Exception;

    /** Every volume. */
    List<VolumeInfo> list() throws Exception;

    /** Waits until every change of the volume made so far is in the object store, at most {@code timeoutMillis}. */
    FlushResult flush(String name, long timeoutMillis) throws Exception;
}
