package io.cloudsync.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker engine the tests use: the local one on /var/run/docker.sock. Environment variables such as
 * DOCKER_HOST, DOCKER_CONTEXT or DOCKER_TLS_VERIFY are ignored on purpose, for the docker-java client and for
 * every CLI the tests start (see {@link #cleanEnvironment()}): the plugin is installed into the engine of this
 * host, and the tests must talk to that one.
 */
public final class DockerHost {

    /**
     * The engine's socket. Only an explicit -Dcloudsync.it.docker-socket=PATH changes it, which is how the
     * skip-or-fail behaviour without an engine is tried out; no environment variable does.
     */
    public static final String SOCKET = System.getProperty("cloudsync.it.docker-socket", "/var/run/docker.sock");
    public static final String DOCKER_HOST = "unix://" + SOCKET;
    /** The local image the containers run, made by scripts/setup.sh with "docker import" of busybox-static. */
    public static final String BUSYBOX_IMAGE = "cloudsync-test-busybox:latest";
    /** busybox and Debian's sqlite3, made by scripts/setup.sh like the busybox image. */
    public static final String SQLITE_IMAGE = "cloudsync-test-sqlite:latest";

    // docker-java's HTTP client logs each retried request at INFO (after a dockerd restart, say): keep tests quiet.
    // Held in a field because java.util.logging keeps loggers only weakly.
    private static final java.util.logging.Logger HTTP_CLIENT_LOG = quiet("com.github.dockerjava.zerodep");

    private static DockerClient client;

    private static java.util.logging.Logger quiet(String name) {
        var logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private DockerHost() {
    }

    /** The shared docker-java client (thread safe), built on first use. */
    public static synchronized DockerClient client() {
        if (client == null) {
            var config = new DefaultDockerClientConfig.Builder()
                    .withProperties(new java.util.Properties()) // no ~/.docker-java.properties, no env
                    .withDockerHost(DOCKER_HOST)
                    .withDockerTlsVerify(false)
                    .build();
            var http = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(URI.create(DOCKER_HOST))
                    .maxConnections(16)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .responseTimeout(Duration.ofMinutes(3))
                    .build();
            client = DockerClientImpl.getInstance(config, http);
        }
        return client;
    }

    /**
     * The environment for child processes: this process's, without any DOCKER_* or COMPOSE_* variable, with
     * DOCKER_HOST naming the local socket.
     */
    public static Map<String, String> cleanEnvironment() {
        var env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> {
            String upper = name.toUpperCase(Locale.ROOT);
            return upper.startsWith("DOCKER_") || upper.startsWith("COMPOSE_");
        });
        env.put("DOCKER_HOST", DOCKER_HOST);
        return env;
    }

    /** Why the Docker tests cannot run here, or empty when the engine answers and the test image is present. */
    public static Optional<String> unavailableReason() {
        if (!Files.exists(Path.of(SOCKET))) {
            return Optional.of("no Docker engine socket at " + SOCKET + " (is dockerd running? scripts/setup.sh starts it)");
        }
        try {
            client().pingCmd().exec();
        } catch (RuntimeException e) {
            return Optional.of("the Docker engine at " + SOCKET + " does not answer a ping: " + e.getMessage());
        }
        Command.Result version;
        try {
            version = Command.docker("version", "--format", "{{.Server.Version}}").timeout(Duration.ofSeconds(30)).run();
        } catch (RuntimeException e) {
            return Optional.of("the docker CLI cannot be run: " + e.getMessage());
        }
        if (version.exitCode() != 0) {
            return Optional.of("the docker CLI cannot reach the engine: " + version.describe());
        }
        return Optional.empty();
    }

    /** Whether the image the containers run exists locally (it cannot be pulled: there is no registry). */
    public static boolean hasBusyboxImage() {
        try {
            client().inspectImageCmd(BUSYBOX_IMAGE).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    /** Whether {@code image} exists locally. */
    public static boolean hasImage(String image) {
        try {
            client().inspectImageCmd(image).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    /** Whether the environment says this is a CI run, where Docker tests must run and never skip. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv().getOrDefault("CI", "").trim());
    }
}
