package io.cloudsync.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The answers the plugin sends, one record per message, with Docker's field names. Every success carries a body
 * with {@code "Err": ""} where the protocol has the field; every failure is an {@link ErrorResponse} with HTTP 500.
 */
public final class PluginResponses {

    private static final String NO_ERROR = "";

    /** Answer to {@link PluginRoutes#ACTIVATE}. */
    public record ActivateResponse(@JsonProperty("Implements") List<String> implementedInterfaces) {
        public static ActivateResponse volumeDriver() {
            return new ActivateResponse(List.of(PluginRoutes.VOLUME_DRIVER_INTERFACE));
        }
    }

    /** Answer to Create, Remove and Unmount on success ({@code err} empty), and to every failure. */
    public record ErrorResponse(@JsonProperty("Err") String err) {
        public static ErrorResponse ok() {
            return new ErrorResponse(NO_ERROR);
        }
    }

    /** Answer to {@link PluginRoutes#MOUNT}. */
    public record MountResponse(@JsonProperty("Mountpoint") String mountpoint, @JsonProperty("Err") String err) {
        public static MountResponse ok(String mountpoint) {
            return new MountResponse(orEmpty(mountpoint), NO_ERROR);
        }
    }

    /** Answer to {@link PluginRoutes#PATH}; the mountpoint is empty when the volume is not mounted. */
    public record PathResponse(@JsonProperty("Mountpoint") String mountpoint, @JsonProperty("Err") String err) {
        public static PathResponse ok(String mountpoint) {
            return new PathResponse(orEmpty(mountpoint), NO_ERROR);
        }
    }

    /**
     * One volume inside Get and List answers. Docker decodes {@code CreatedAt} into a Go {@code time.Time}, which
     * fails on {@code ""} (and fails the whole call), so an unknown creation time is left out instead.
     */
    public record Volume(@JsonProperty("Name") String name, @JsonProperty("Mountpoint") String mountpoint,
                         @JsonProperty("CreatedAt") @JsonInclude(JsonInclude.Include.NON_EMPTY) String createdAt,
                         @JsonProperty("Status") Map<String, Object> status) {
        public static Volume of(VolumeInfo info) {
            return new Volume(info.name(), orEmpty(info.mountpoint()), info.createdAt(), info.status());
        }
    }

    /** Answer to {@link PluginRoutes#GET}. */
    public record GetResponse(@JsonProperty("Volume") Volume volume, @JsonProperty("Err") String err) {
        public static GetResponse ok(VolumeInfo info) {
            return new GetResponse(Volume.of(info), NO_ERROR);
        }
    }

    /** Answer to {@link PluginRoutes#LIST}. */
    public record ListResponse(@JsonProperty("Volumes") List<Volume> volumes, @JsonProperty("Err") String err) {
        public static ListResponse ok(List<VolumeInfo> infos) {
            return new ListResponse(infos.stream().map(Volume::of).toList(), NO_ERROR);
        }
    }

    /** The one capability Docker asks about: "local" tells Docker the volumes are not shared across hosts. */
    public record Capability(@JsonProperty("Scope") String scope) {
    }

    /** Answer to {@link PluginRoutes#CAPABILITIES}. */
    public record CapabilitiesResponse(@JsonProperty("Capabilities") Capability capabilities) {
        public static CapabilitiesResponse localScope() {
            return new CapabilitiesResponse(new Capability("local"));
        }
    }

    /** Answer to {@link PluginRoutes#FLUSH}. */
    public record FlushResponse(@JsonProperty("Durable") boolean durable,
                                @JsonProperty("PendingFiles") long pendingFiles,
                                @JsonProperty("PendingBytes") long pendingBytes,
                                @JsonProperty("Err") String err) {
        public static FlushResponse ok(FlushResult result) {
            return new FlushResponse(result.durable(), result.pendingFiles(), result.pendingBytes(), NO_ERROR);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private PluginResponses() {
    }
}
