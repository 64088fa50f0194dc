package io.cloudsync.api;

import java.util.List;

/**
 * The paths Docker POSTs to, one per message of the volume plugin protocol, plus cloudsync's own extension.
 * Docker names them "Service.Method"; the names are part of the protocol and never change.
 */
public final class PluginRoutes {

    public static final String ACTIVATE = "/Plugin.Activate";
    public static final String CREATE = "/VolumeDriver.Create";
    public static final String REMOVE = "/VolumeDriver.Remove";
    public static final String MOUNT = "/VolumeDriver.Mount";
    public static final String UNMOUNT = "/VolumeDriver.Unmount";
    public static final String PATH = "/VolumeDriver.Path";
    public static final String GET = "/VolumeDriver.Get";
    public static final String LIST = "/VolumeDriver.List";
    public static final String CAPABILITIES = "/VolumeDriver.Capabilities";
    /** cloudsync extension: wait until a volume's changes are in the bucket (used by tools and tests, never by Docker). */
    public static final String FLUSH = "/Cloudsync.Flush";

    public static final List<String> ALL = List.of(ACTIVATE, CREATE, REMOVE, MOUNT, UNMOUNT, PATH, GET, LIST,
            CAPABILITIES, FLUSH);

    /** What Activate answers: the only plugin interface this plugin implements. */
    public static final String VOLUME_DRIVER_INTERFACE = "VolumeDriver";

    /**
     * Content type of every answer: the one Docker's plugin client asks for in its Accept header
     * (moby pkg/plugins/transport VersionMimetype). Docker does not check it, but it is what the protocol names.
     */
    public static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";

    private PluginRoutes() {
    }
}
