package io.cloudsync.api;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Serves the Docker volume plugin protocol for one {@link VolumeDriver} on a unix domain socket, with Jetty's
 * core API (no servlets). {@link #start()} returns once the socket accepts connections, so callers (and Docker,
 * which probes the socket right after the plugin starts) never race it. A socket file left by a crashed run is
 * removed first; a path that is served by a live process, or is not a socket, is refused rather than deleted.
 */
public final class PluginServer implements AutoCloseable {

    /** Where Docker looks for a managed plugin's socket named "cloudsync.sock" in config.json. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/docker/plugins/cloudsync.sock");

    private static final Logger LOG = Logger.getLogger(PluginServer.class.getName());
    private static final int MAX_THREADS = 64;
    private static final int MIN_THREADS = 4;
    /**
     * How long an idle keep-alive connection stays open. Jetty does not apply it while a handler is computing an
     * answer (a test holds a request past it), so it only limits idle connections; long, because closing one that
     * Docker's client is about to reuse fails that call.
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** In-flight requests get this long to finish at stop; shutdown has a 10 s budget for more important work. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    private final Path socketPath;
    private final VolumeDriver driver;
    private final Duration idleTimeout;
    private Server server;

    public PluginServer(Path socketPath, VolumeDriver driver) {
        this(socketPath, driver, IDLE_TIMEOUT);
    }

    /** With another idle timeout for connections; tests use a short one. */
    PluginServer(Path socketPath, VolumeDriver driver, Duration idleTimeout) {
        this.socketPath = Objects.requireNonNull(socketPath, "socketPath").toAbsolutePath();
        this.driver = Objects.requireNonNull(driver, "driver");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Binds the socket and starts serving; returns when the socket is listening. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("plugin server on " + socketPath + " is already started");
        }
        prepareSocketPath();
        Server jetty = newJetty();
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            throw new IOException("could not serve the plugin protocol on " + socketPath + ": "
                    + PluginHandler.messageOf(e), e);
        }
        server = jetty;
        LOG.info(() -> "serving the Docker volume plugin protocol on " + socketPath);
    }

    /** Stops serving and removes the socket file; does nothing if not started or already stopped. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        stopQuietly(server);
        server = null;
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warning(() -> "could not remove the socket file " + socketPath + ": " + e.getMessage());
        }
        LOG.info(() -> "stopped serving on " + socketPath);
    }

    @Override
    public void close() {
        stop();
    }

    private Server newJetty() {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("cloudsync-api");
        Server jetty = new Server(threads);
        jetty.setStopTimeout(STOP_TIMEOUT.toMillis());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Docker before mid-2023 (moby pkg/plugins) sent the socket path as Host ("/run/docker/plugins/x.sock"),
        // which strict RFC 9110 parsing rejects with 400 "Bad HostPort"; the Host of a unix socket means nothing.
        http.setHttpCompliance(HttpCompliance.RFC9110.with("DOCKER_PLUGIN_CLIENT", HttpCompliance.Violation.UNSAFE_HOST_HEADER));
        // One acceptor and one selector: the only client is the local Docker daemon, and the machine is small.
        UnixDomainServerConnector connector = new UnixDomainServerConnector(jetty, 1, 1, new DockerClientConnectionFactory(http));
        connector.setUnixDomainPath(socketPath);
        connector.setIdleTimeout(idleTimeout.toMillis());
        jetty.addConnector(connector);

        RequestDecoder decoder = new RequestDecoder();
        jetty.setHandler(new PluginHandler(new PluginEndpoints(driver, decoder), decoder));
        return jetty;
    }

    /** Creates the parent directories and removes a stale socket file, refusing to touch anything else. */
    private void prepareSocketPath() throws IOException {
        Files.createDirectories(socketPath.getParent());
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IOException("cannot listen on " + socketPath + ": it exists and is not a socket; remove it or "
                    + "choose another path");
        }
        if (isServed(socketPath)) {
            throw new IOException("cannot listen on " + socketPath + ": another process is serving it "
                    + "(is another cloudsync plugin running?)");
        }
        LOG.info(() -> "removing the stale socket file " + socketPath + " of an earlier run");
        Files.delete(socketPath);
    }

    private static boolean isServed(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            return false;
        }
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warning(() -> "stopping the plugin server on " + jetty + " failed: " + PluginHandler.messageOf(e));
        }
    }
}
