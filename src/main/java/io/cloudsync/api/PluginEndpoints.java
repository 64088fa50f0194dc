package io.cloudsync.api;

import io.cloudsync.api.PluginRequests.CreateRequest;
import io.cloudsync.api.PluginRequests.FlushRequest;
import io.cloudsync.api.PluginRequests.GetRequest;
import io.cloudsync.api.PluginRequests.MountRequest;
import io.cloudsync.api.PluginRequests.PathRequest;
import io.cloudsync.api.PluginRequests.RemoveRequest;
import io.cloudsync.api.PluginRequests.UnmountRequest;
import io.cloudsync.api.PluginResponses.ActivateResponse;
import io.cloudsync.api.PluginResponses.CapabilitiesResponse;
import io.cloudsync.api.PluginResponses.ErrorResponse;
import io.cloudsync.api.PluginResponses.FlushResponse;
import io.cloudsync.api.PluginResponses.GetResponse;
import io.cloudsync.api.PluginResponses.ListResponse;
import io.cloudsync.api.PluginResponses.MountResponse;
import io.cloudsync.api.PluginResponses.PathResponse;

import java.util.Map;
import java.util.Objects;

import static io.cloudsync.api.RequestDecoder.requireField;

/**
 * What each route does: decode the body, call the driver, wrap its result in the route's answer record. Nothing
 * here knows HTTP; {@link PluginHandler} turns exceptions into HTTP 500 and answers into bytes. Activate, List and
 * Capabilities ignore their body, since Docker sends none or {@code {}}.
 */
final class PluginEndpoints {

    /** One route: from the raw request body to the answer record. */
    @FunctionalInterface
    interface Endpoint {
        Object answer(byte[] body) throws Exception;
    }

    /** Flush waits are capped so that seconds convert to milliseconds without overflow. */
    static final long MAX_FLUSH_TIMEOUT_SECONDS = 24 * 3600;

    private final VolumeDriver driver;
    private final RequestDecoder decoder;
    private final Map<String, Endpoint> byRoute;

    PluginEndpoints(VolumeDriver driver, RequestDecoder decoder) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.byRoute = Map.of(
                PluginRoutes.ACTIVATE, body -> ActivateResponse.volumeDriver(),
                PluginRoutes.CAPABILITIES, body -> CapabilitiesResponse.localScope(),
                PluginRoutes.CREATE, this::create,
                PluginRoutes.REMOVE, this::remove,
                PluginRoutes.MOUNT, this::mount,
                PluginRoutes.UNMOUNT, this::unmount,
                PluginRoutes.PATH, this::path,
                PluginRoutes.GET, this::get,
                PluginRoutes.LIST, body -> ListResponse.ok(driver.list()),
                PluginRoutes.FLUSH, this::flush);
    }

    /** The endpoint of {@code route}, or null if there is none. */
    Endpoint find(String route) {
        return byRoute.get(route);
    }

    private ErrorResponse create(byte[] body) throws Exception {
        CreateRequest request = decoder.decode(PluginRoutes.CREATE, body, CreateRequest.class);
        driver.create(requireField(PluginRoutes.CREATE, "Name", request.name()), request.optsOrEmpty());
        return ErrorResponse.ok();
    }

    private ErrorResponse remove(byte[] body) throws Exception {
        RemoveRequest request = decoder.decode(PluginRoutes.REMOVE, body, RemoveRequest.class);
        driver.remove(requireField(PluginRoutes.REMOVE, "Name", request.name()));
        return ErrorResponse.ok();
    }

    private MountResponse mount(byte[] body) throws Exception {
        MountRequest request = decoder.decode(PluginRoutes.MOUNT, body, MountRequest.class);
        String name = requireField(PluginRoutes.MOUNT, "Name", request.name());
        String mountId = requireField(PluginRoutes.MOUNT, "ID", request.id());
        return MountResponse.ok(driver.mount(name, mountId));
    }

    private ErrorResponse unmount(byte[] body) throws Exception {
        UnmountRequest request = decoder.decode(PluginRoutes.UNMOUNT, body, UnmountRequest.class);
        String name = requireField(PluginRoutes.UNMOUNT, "Name", request.name());
        String mountId = requireField(PluginRoutes.UNMOUNT, "ID", request.id());
        driver.unmount(name, mountId);
        return ErrorResponse.ok();
    }

    private PathResponse path(byte[] body) throws Exception {
        PathRequest request = decoder.decode(PluginRoutes.PATH, body, PathRequest.class);
        return PathResponse.ok(driver.path(requireField(PluginRoutes.PATH, "Name", request.name())));
    }

    private GetResponse get(byte[] body) throws Exception {
        GetRequest request = decoder.decode(PluginRoutes.GET, body, GetRequest.class);
        VolumeInfo info = driver.get(requireField(PluginRoutes.GET, "Name", request.name()));
        if (info == null) {
            // A driver bug; answering {"Volume":null} would make Docker fail in a less clear way.
            throw new IllegalStateException("volume '" + request.name() + "' has no information (driver returned null)");
        }
        return GetResponse.ok(info);
    }

    private FlushResponse flush(byte[] body) throws Exception {
        FlushRequest request = decoder.decode(PluginRoutes.FLUSH, body, FlushRequest.class);
        String name = requireField(PluginRoutes.FLUSH, "Name", request.name());
        long seconds = request.timeoutSeconds() == null ? FlushRequest.DEFAULT_TIMEOUT_SECONDS : request.timeoutSeconds();
        if (seconds < 0) {
            throw new BadRequestException("the request to " + PluginRoutes.FLUSH
                    + " has a negative TimeoutSeconds (" + seconds + "); give 0 or more seconds to wait");
        }
        FlushResult result = driver.flush(name, Math.min(seconds, MAX_FLUSH_TIMEOUT_SECONDS) * 1000);
        return FlushResponse.ok(Objects.requireNonNull(result, "driver returned no flush result"));
    }
}
