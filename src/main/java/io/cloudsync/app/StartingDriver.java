package io.cloudsync.app;

import io.cloudsync.api.FlushResult;
import io.cloudsync.api.VolumeDriver;
import io.cloudsync.api.VolumeInfo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets the socket listen before the volumes are open: Docker gives a plugin only a few seconds to answer after
 * enable, while replaying journals may take longer. Requests wait here until the real driver is ready, or fail
 * with the reason start-up failed.
 */
final class StartingDriver implements VolumeDriver {

    private static final long WAIT_SECONDS = 50;
    private final CompletableFuture<VolumeDriver> ready = new CompletableFuture<>();

    void ready(VolumeDriver driver) {
        ready.complete(driver);
    }

    void failed(Throwable cause) {
        ready.completeExceptionally(cause);
    }

    private VolumeDriver driver() throws Exception {
        try {
            return ready.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cloudsync plugin is still starting (opening volumes); try again shortly");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the cloudsync plugin failed to start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void create(String name, Map<String, String> options) throws Exception {
        driver().create(name, options);
    }

    @Override
    public void remove(String name) throws Exception {
        driver().remove(name);
    }

    @Override
    public String mount(String name, String mountId) throws Exception {
        return driver().mount(name, mountId);
    }

    @Override
    public void unmount(String name, String mountId) throws Exception {
        driver().unmount(name, mountId);
    }

    @Override
    public String path(String name) throws Exception {
        return driver().path(name);
    }

    @Override
    public VolumeInfo get(String name) throws Exception {
        return driver().get(name);
    }

    @Override
    public List<VolumeInfo> list() throws Exception {
        return driver().list();
    }

    @Override
    public FlushResult flush(String name, long timeoutMillis) throws Exception {
        return driver().flush(name, timeoutMillis);
    }
}
