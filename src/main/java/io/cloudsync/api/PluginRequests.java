package io.cloudsync.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The request bodies Docker sends, one record per message, with Docker's field names. Fields Docker may add later
 * are ignored. Any field may be absent or null: Docker sends {@code "Opts": null} for a volume created without
 * options, and a body may be empty; {@link RequestDecoder} turns absence into a clear error where a field is needed.
 * Activate, List and Capabilities carry no fields and have no record.
 */
public final class PluginRequests {

    /** Body of {@link PluginRoutes#CREATE}. {@code opts} may hold secrets: never log it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CreateRequest(@JsonProperty("Name") String name, @JsonProperty("Opts") Map<String, String> opts) {
        /** The options, never null. */
        public Map<String, String> optsOrEmpty() {
            return opts == null ? Map.of() : opts;
        }

        @Override
        public String toString() {
            // The record's default toString would print the options, which may hold credentials.
            return "CreateRequest[name=" + name + ", opts=" + (opts == null ? 0 : opts.size()) + " option(s)]";
        }
    }

    /** Body of {@link PluginRoutes#REMOVE}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RemoveRequest(@JsonProperty("Name") String name) {
    }

    /** Body of {@link PluginRoutes#MOUNT}; {@code id} is Docker's ID of this container mount. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MountRequest(@JsonProperty("Name") String name, @JsonProperty("ID") String id) {
    }

    /** Body of {@link PluginRoutes#UNMOUNT}; {@code id} is the ID the matching Mount carried. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UnmountRequest(@JsonProperty("Name") String name, @JsonProperty("ID") String id) {
    }

    /** Body of {@link PluginRoutes#PATH}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PathRequest(@JsonProperty("Name") String name) {
    }

    /** Body of {@link PluginRoutes#GET}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GetRequest(@JsonProperty("Name") String name) {
    }

    /** Body of {@link PluginRoutes#FLUSH}; {@code timeoutSeconds} null means {@link #DEFAULT_TIMEOUT_SECONDS}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FlushRequest(@JsonProperty("Name") String name, @JsonProperty("TimeoutSeconds") Long timeoutSeconds) {
        public static final long DEFAULT_TIMEOUT_SECONDS = 60;
    }

    private PluginRequests() {
    }
}
