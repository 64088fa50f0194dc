package io.cloudsync.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.cloudsync.api.PluginServerEndpointsTest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start, stop and the socket file: what Docker and an operator see when the plugin starts, restarts and stops. */
@Timeout(30)
class PluginServerLifecycleTest {

    private static final String ACTIVATED = "{\"Implements\":[\"VolumeDriver\"]}";

    @TempDir
    Path dir;

    @Test
    void startReturnsWhenTheSocketAnswersAndCreatesItsParentDirectories() throws Exception {
        Path socket = dir.resolve("run/docker/plugins/cloudsync.sock");
        try (PluginServer server = new PluginServer(socket, new FakeVolumeDriver())) {
            server.start();
            assertOk(ACTIVATED, RawHttpClient.post(socket, PluginRoutes.ACTIVATE, ""));
        }
    }

    @Test
    void aStaleSocketFileOfACrashedRunIsReplaced() throws Exception {
        Path socket = dir.resolve("cloudsync.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a unix server socket leaves its file behind");
        try (PluginServer server = new PluginServer(socket, new FakeVolumeDriver())) {
            server.start();
            assertOk(ACTIVATED, RawHttpClient.post(socket, PluginRoutes.ACTIVATE, ""));
        }
    }

    @Test
    void aPathThatIsNotASocketIsLeftAloneAndNamedInTheError() throws Exception {
        Path socket = dir.resolve("cloudsync.sock");
        Files.writeString(socket, "precious");
        PluginServer server = new PluginServer(socket, new FakeVolumeDriver());
        IOException e = assertThrows(IOException.class, server::start);
        assertEquals("cannot listen on " + socket + ": it exists and is not a socket; remove it or choose another path",
                e.getMessage());
        assertEquals("precious", Files.readString(socket));
        server.stop();
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path socket = dir.resolve("cloudsync.sock");
        try (PluginServer first = new PluginServer(socket, new FakeVolumeDriver())) {
            first.start();
            PluginServer second = new PluginServer(socket, new FakeVolumeDriver());
            IOException e = assertThrows(IOException.class, second::start);
            assertTrue(e.getMessage().contains("another process is serving it"), e.getMessage());
            assertOk(ACTIVATED, RawHttpClient.post(socket, PluginRoutes.ACTIVATE, ""));
        }
    }

    @Test
    void stopRemovesTheSocketAndIsIdempotentAndTheServerCanStartAgain() throws Exception {
        Path socket = dir.resolve("cloudsync.sock");
        PluginServer server = new PluginServer(socket, new FakeVolumeDriver());
        server.stop();
        server.start();
        server.stop();
        assertFalse(Files.exists(socket));
        server.stop();
        server.start();
        assertOk(ACTIVATED, RawHttpClient.post(socket, PluginRoutes.ACTIVATE, ""));
        server.close();
        assertFalse(Files.exists(socket));
    }

    @Test
    void startingTwiceIsAnError() throws Exception {
        try (PluginServer server = new PluginServer(dir.resolve("cloudsync.sock"), new FakeVolumeDriver())) {
            server.start();
            assertThrows(IllegalStateException.class, server::start);
        }
    }

    @Test
    void aRequestThatOutlastsTheIdleTimeoutStillGetsItsAnswer() throws Exception {
        // Warm up first: on a cold JVM, accepting the first connection alone can outlast a short idle timeout, and
        // Jetty then rightly closes the connection before it has read the request; that is not what is tested here.
        startReturnsWhenTheSocketAnswersAndCreatesItsParentDirectories();
        Path socket = dir.resolve("short-idle.sock");
        FakeVolumeDriver driver = new FakeVolumeDriver();
        try (PluginServer server = new PluginServer(socket, driver, Duration.ofSeconds(2))) {
            server.start();
            assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\"}"));
            driver.closeFlushGate();
            try (RawHttpClient client = new RawHttpClient(socket)) {
                // The flush waits its full six seconds inside the driver, three idle timeouts long; the idle timeout
                // is long enough that a loaded machine still sends the request before it (one second was not).
                assertOk("{\"Durable\":false,\"PendingFiles\":1,\"PendingBytes\":4096,\"Err\":\"\"}",
                        client.post(PluginRoutes.FLUSH, "{\"Name\":\"v\",\"TimeoutSeconds\":6}"));
                assertOk("{\"Capabilities\":{\"Scope\":\"local\"}}", client.post(PluginRoutes.CAPABILITIES, ""));
            }
        }
    }

    @Test
    void aLongFlushDoesNotHoldUpOtherRequests() throws Exception {
        Path socket = dir.resolve("cloudsync.sock");
        FakeVolumeDriver driver = new FakeVolumeDriver();
        try (PluginServer server = new PluginServer(socket, driver)) {
            server.start();
            assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{}}"));
            driver.closeFlushGate();
            CompletableFuture<RawHttpClient.Reply> flush = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"v\",\"TimeoutSeconds\":25}");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(driver.awaitFlushEntered(10), "the flush reached the driver");

            // While the flush waits inside the driver, Docker's other calls are answered.
            assertOk("{\"Mountpoint\":\"/mnt/cloudsync/v\",\"Err\":\"\"}",
                    RawHttpClient.post(socket, PluginRoutes.MOUNT, "{\"Name\":\"v\",\"ID\":\"m1\"}"));
            assertEquals(200, RawHttpClient.post(socket, PluginRoutes.LIST, "").status());
            assertFalse(flush.isDone());

            driver.openFlushGate();
            assertOk("{\"Durable\":true,\"PendingFiles\":0,\"PendingBytes\":0,\"Err\":\"\"}",
                    flush.get(10, TimeUnit.SECONDS));
        }
    }
}
