package io.cloudsync.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test S3 server does what tests rely on: real S3 on loopback, outages on demand, a view of the bucket. */
class S3ProxyServerTest {

    @TempDir
    Path tmp;

    @Test
    void servesS3OnLoopbackAndShowsWhatTheBucketHolds() throws Exception {
        try (var server = S3ProxyServer.startNew(tmp.resolve("data"))) {
            assertTrue(server.endpoint().matches("http://127\\.0\\.0\\.1:\\d+"), server.endpoint());
            server.createBucket("shown");
            ObjectStore store = server.store("shown");
            store.putBytes("a/b.txt", "hello".getBytes(), Map.of("mode", "0100644"));
            store.putBytes("a/dir/", new byte[0], Map.of());
            server.putObject("shown", "from/another-tool", new byte[] {1, 2}, Map.of("origin", "cli"));

            assertEquals(List.of("a/b.txt", "a/dir/", "from/another-tool"), server.listKeys("shown"));
            assertEquals(List.of("a/b.txt", "a/dir/"), server.listKeys("shown", "a/"));
            assertArrayEquals("hello".getBytes(), server.readObject("shown", "a/b.txt"));
            assertEquals(Map.of("mode", "0100644"), server.objectMetadata("shown", "a/b.txt").orElseThrow());
            assertTrue(server.objectMetadata("shown", "missing").isEmpty());
            assertTrue(server.objectExists("shown", "a/dir/"));
            assertEquals(Map.of("origin", "cli"), store.stat("from/another-tool").orElseThrow().userMetadata());
            assertThrows(AssertionError.class, () -> server.readObject("shown", "missing"));
            assertFalse(server.toString().contains(server.secretKey()));
        }
        assertTrue(Files.isDirectory(tmp.resolve("data/shown")), "a given data directory is kept");
    }

    @Test
    void countsTheObjectBytesItServes() throws Exception {
        try (var server = S3ProxyServer.startNew()) {
            server.createBucket("counted");
            ObjectStore store = server.store("counted");
            store.putBytes("blob", new byte[10_000], Map.of());
            server.readObject("counted", "blob"); // inspection is not traffic
            assertEquals(0, server.bytesServed());
            try (InputStream in = store.get("blob", 100, 1000)) {
                assertEquals(1000, in.readAllBytes().length);
            }
            assertEquals(1000, server.bytesServed());
            store.stat("blob");
            assertEquals(1000, server.bytesServed(), "HEAD serves no object bytes");
            server.resetBytesServed();
            assertEquals(0, server.bytesServed());
        }
    }

    @Test
    void countsHeadAndGetRequests() throws Exception {
        try (var server = S3ProxyServer.startNew()) {
            server.createBucket("requests");
            ObjectStore store = server.store("requests");
            String etag = store.putBytes("blob", new byte[100], Map.of()).etag();
            server.objectMetadata("requests", "blob"); // inspection is not traffic
            assertEquals(0, server.headRequests());
            store.stat("blob");
            assertEquals(1, server.headRequests());
            assertEquals(0, server.getRequests());
            store.get("blob", 0, 10).close();
            store.getIfMatch("blob", etag, 10, 10).close();
            assertEquals(1, server.headRequests(), "a GET, conditional or not, is no HEAD");
            assertEquals(2, server.getRequests());
            server.resetBytesServed();
            assertEquals(0, server.headRequests() + server.getRequests());
        }
    }

    @Test
    void stopsAndStartsAgainOnTheSamePortWithTheSameData() throws Exception {
        Path data;
        try (var server = S3ProxyServer.startNew()) {
            data = server.dataDir();
            server.createBucket("kept");
            ObjectStore store = server.store("kept");
            store.putBytes("k", new byte[] {42}, Map.of());
            String endpoint = server.endpoint();

            server.stop();
            assertFalse(server.isRunning());
            assertThrows(StoreException.Transient.class, () -> store.stat("k"));
            assertEquals(List.of("k"), server.listKeys("kept"), "inspection works while stopped");

            server.start();
            assertEquals(endpoint, server.endpoint());
            assertEquals(1, store.stat("k").orElseThrow().size());
        }
        assertFalse(Files.exists(data), "a temporary data directory is deleted at close");
    }

    @Test
    void wrongCredentialsAreRefused() throws Exception {
        try (var server = S3ProxyServer.startNew(tmp, 0, "other-key", "other-secret")) {
            server.createBucket("guarded");
            assertEquals("other-key", server.accessKey());
            assertTrue(server.store("guarded").bucketExists());
            var stranger = io.cloudsync.store.minio.MinioObjectStore.open(io.cloudsync.store.minio.S3Endpoint.of(
                    server.endpoint(), "", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY), "guarded");
            assertThrows(StoreException.Permanent.class, stranger::bucketExists);
        }
    }
}
