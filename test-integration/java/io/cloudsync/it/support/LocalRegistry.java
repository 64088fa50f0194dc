package io.cloudsync.it.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Docker registry on 127.0.0.1 for "docker plugin push" and "docker plugin install": Debian's
 * {@code docker-registry serve CONFIG} with its storage in a temporary directory, on a free port. Docker treats
 * 127.0.0.0/8 as an insecure registry by default, so no TLS is needed. {@link #close()} stops the process this
 * class started, by its PID, and deletes the storage.
 */
public final class LocalRegistry implements AutoCloseable {

    public static final String BINARY = "docker-registry";
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final Process process;

    private LocalRegistry(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a registry and waits until it answers GET /v2/. */
    public static LocalRegistry start() {
        Path dir;
        int port;
        Process process;
        try {
            dir = Files.createTempDirectory("cloudsync-it-registry-");
            Files.createDirectories(dir.resolve("storage"));
            port = freeLoopbackPort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(dir.resolve("storage"), port), StandardCharsets.UTF_8);
            process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start '" + BINARY + " serve' (Debian package docker-registry)", e);
        }
        var registry = new LocalRegistry(dir, port, process);
        try {
            await("registry on 127.0.0.1:" + port + " answers").atMost(START_DEADLINE)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("docker-registry exited with " + process.exitValue() + ": " + registry.log());
                        }
                        return registry.answers();
                    });
            return registry;
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean answers() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** "127.0.0.1:PORT", the host part of references to this registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The reference of {@code name} in this registry: "127.0.0.1:PORT/NAME". */
    public String reference(String name) {
        return host() + "/" + name;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no registry log: " + e.getMessage() + ")";
        }
    }

    /** Stops the registry (SIGTERM to our child's PID, SIGKILL after 10 s) and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            PluginPackage.deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "LocalRegistry[" + host() + ", pid " + process.pid() + "]";
    }
}
