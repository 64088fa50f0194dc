package io.cloudsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Plugin-wide settings, read from the environment (in a managed plugin: config.json's env, changed with
 * "docker plugin set"). {@link #toString()} never shows the secret key.
 *
 * @param endpoint       S3 endpoint URL, e.g. http://127.0.0.1:9000 or https://s3.eu-west-1.amazonaws.com
 * @param region         S3 region used for signing
 * @param accessKey      S3 access key id
 * @param secretKey      S3 secret key; never logged or shown
 * @param defaultBucket  bucket used when a volume names none (may be empty)
 * @param logLevel       java.util.logging level name for io.cloudsync
 * @param stateDir       where volumes, journals and caches live (the plugin's state bind mount)
 * @param mountRoot      where volumes are mounted (the plugin's propagated mount)
 * @param socket         the unix socket Docker talks to
 */
public record PluginSettings(String endpoint, String region, String accessKey, String secretKey,
                             String defaultBucket, String logLevel, Path stateDir, Path mountRoot, Path socket) {

    public static final String ENDPOINT = "CLOUDSYNC_S3_ENDPOINT";
    public static final String REGION = "CLOUDSYNC_S3_REGION";
    public static final String ACCESS_KEY = "CLOUDSYNC_S3_ACCESS_KEY";
    public static final String SECRET_KEY = "CLOUDSYNC_S3_SECRET_KEY";
    public static final String DEFAULT_BUCKET = "CLOUDSYNC_DEFAULT_BUCKET";
    public static final String LOG_LEVEL = "CLOUDSYNC_LOG_LEVEL";
    public static final String STATE_DIR = "CLOUDSYNC_STATE_DIR";
    public static final String MOUNT_ROOT = "CLOUDSYNC_MOUNT_ROOT";
    public static final String SOCKET = "CLOUDSYNC_SOCKET";

    /** Reads the settings; fails with the name of the variable when one is unusable. */
    public static PluginSettings fromEnvironment(Map<String, String> env) throws InvalidOptionException {
        String endpoint = env.getOrDefault(ENDPOINT, "").trim();
        if (!endpoint.isEmpty()) {
            validateEndpoint(endpoint);
        }
        String defaultBucket = env.getOrDefault(DEFAULT_BUCKET, "").trim();
        if (!defaultBucket.isEmpty()) {
            BucketNames.validate(defaultBucket);
        }
        return new PluginSettings(
                endpoint,
                nonEmpty(env.get(REGION), "us-east-1"),
                env.getOrDefault(ACCESS_KEY, "").trim(),
                env.getOrDefault(SECRET_KEY, ""),
                defaultBucket,
                nonEmpty(env.get(LOG_LEVEL), "info"),
                Path.of(nonEmpty(env.get(STATE_DIR), "/state")),
                Path.of(nonEmpty(env.get(MOUNT_ROOT), "/mnt/volumes")),
                Path.of(nonEmpty(env.get(SOCKET), "/run/docker/plugins/cloudsync.sock")));
    }

    private static void validateEndpoint(String endpoint) throws InvalidOptionException {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(ENDPOINT + " is not a URL: '" + endpoint + "'");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new InvalidOptionException(ENDPOINT + " must be an http:// or https:// URL with a host, got '" + endpoint + "'");
        }
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    @Override
    public String toString() {
        return "PluginSettings[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=" + (secretKey.isEmpty() ? "(none)" : "(set)") + ", defaultBucket=" + defaultBucket
                + ", logLevel=" + logLevel + ", stateDir=" + stateDir + ", mountRoot=" + mountRoot + ", socket=" + socket + "]";
    }
}
