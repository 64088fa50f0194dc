package io.cloudsync.store.minio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What a user of the MinIO-client store notices beyond the common contract: clear, correctly classified errors
 * for unreachable endpoints, wrong credentials and missing or invalid buckets, and never the secret key.
 */
class MinioObjectStoreTest {

    private static S3ProxyServer server;
    /** Every exception a test provoked: none may reveal a secret. */
    private static final List<Throwable> SEEN = new ArrayList<>();
    private static final String WRONG_SECRET = "wrong-secret-do-not-print-4711";

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.startNew();
        server.createBucket("photos");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void unreachableEndpointFailsFastAsTransientNamingTheEndpoint() throws Exception {
        int port = closedPort();
        String url = "http://127.0.0.1:" + port;
        ObjectStore store = MinioObjectStore.open(S3Endpoint.of(url, "", "someone", WRONG_SECRET), "photos");
        long start = System.nanoTime();
        var e = expect(StoreException.Transient.class, store::bucketExists);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "failed fast");
        assertTrue(e.getMessage().startsWith("cannot reach S3 endpoint " + url + ": connection refused"),
                e.getMessage());
        var put = expect(StoreException.Transient.class, () -> store.putBytes("a/b.txt", new byte[1], Map.of()));
        assertTrue(put.getMessage().contains("'a/b.txt'") && put.getMessage().contains("bucket 'photos'"),
                put.getMessage());
        var listing = expect(StoreException.Transient.class, () -> store.listDirectory("a/"));
        assertTrue(listing.getMessage().contains("'a/'") && listing.getMessage().contains("bucket 'photos'"),
                listing.getMessage());
    }

    @Test
    void wrongSecretIsPermanentAndSaysWhatIsWrong() {
        ObjectStore store = MinioObjectStore.open(
                S3Endpoint.of(server.endpoint(), "", server.accessKey(), WRONG_SECRET), "photos");
        var put = expect(StoreException.Permanent.class, () -> store.putBytes("k", new byte[1], Map.of()));
        assertTrue(put.getMessage().contains("the secret key does not match the access key"), put.getMessage());
        assertTrue(put.getMessage().contains("bucket 'photos'") && put.getMessage().contains(server.endpoint()),
                put.getMessage());
        // A HEAD answer has no body to say why: the failure is still permanent, not "bucket missing".
        expect(StoreException.Permanent.class, store::bucketExists);
        expect(StoreException.Permanent.class, () -> store.list(""));
        expect(StoreException.Permanent.class, () -> store.listDirectory(""));
    }

    @Test
    void unknownAccessKeyIsPermanent() {
        ObjectStore store = MinioObjectStore.open(
                S3Endpoint.of(server.endpoint(), "", "nobody", WRONG_SECRET), "photos");
        var e = expect(StoreException.Permanent.class, () -> store.putBytes("k", new byte[1], Map.of()));
        assertTrue(e.getMessage().contains("access key"), e.getMessage());
    }

    @Test
    void missingBucketIsReportedNotCreated() throws Exception {
        ObjectStore store = MinioObjectStore.open(server.s3Endpoint(),
                "absent-" + UUID.randomUUID().toString().substring(0, 8));
        assertFalse(store.bucketExists());
        var put = expect(StoreException.Permanent.class, () -> store.putBytes("k", new byte[1], Map.of()));
        assertTrue(put.getMessage().contains("the bucket does not exist"), put.getMessage());
        expect(StoreException.Permanent.class, () -> store.list(""));
        var listing = expect(StoreException.Permanent.class, () -> store.listDirectory("d/"));
        assertTrue(listing.getMessage().contains("the bucket does not exist"), listing.getMessage());
        assertTrue(store.stat("k").isEmpty());
        assertFalse(server.bucketExists(store.bucket()), "nothing created it");
    }

    @Test
    void invalidBucketNameIsPermanent() {
        ObjectStore store = MinioObjectStore.open(server.s3Endpoint(), "Not_A_Bucket");
        var e = expect(StoreException.Permanent.class, store::bucketExists);
        assertTrue(e.getMessage().contains("Not_A_Bucket"), e.getMessage());
    }

    @Test
    void vanishedLocalFileIsPermanentAndNamesTheFile() {
        ObjectStore store = server.store("photos");
        Path gone = Path.of("/nonexistent/cloudsync/file.bin");
        var e = expect(StoreException.Permanent.class, () -> store.putFile("gone", gone, Map.of()));
        assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
    }

    @Test
    void outageOfTheServerIsTransientAndTheStoreWorksAgainAfterIt() throws Exception {
        try (var own = S3ProxyServer.startNew()) {
            own.createBucket("outage");
            ObjectStore store = MinioObjectStore.open(own.s3Endpoint(), "outage");
            store.putBytes("before", new byte[] {1}, Map.of());
            own.stop();
            var e = expect(StoreException.Transient.class, () -> store.putBytes("during", new byte[] {2}, Map.of()));
            assertTrue(e.getMessage().contains(own.endpoint()), e.getMessage());
            own.start();
            store.putBytes("after", new byte[] {3}, Map.of());
            assertEquals(List.of("after", "before"), store.list("").stream().map(i -> i.key()).toList());
        }
    }

    @Test
    void proxySettingsOfTheJvmAreIgnored() throws Exception {
        int deadProxy = closedPort();
        var saved = new java.util.HashMap<String, String>();
        for (String key : List.of("http.proxyHost", "http.proxyPort", "http.nonProxyHosts")) {
            saved.put(key, System.getProperty(key));
        }
        try {
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", String.valueOf(deadProxy));
            System.setProperty("http.nonProxyHosts", "");
            ObjectStore store = MinioObjectStore.open(server.s3Endpoint(), "photos");
            store.putBytes("through-no-proxy", new byte[] {9}, Map.of());
            assertTrue(store.bucketExists());
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    @Test
    void copyLargerThanTheSingleCopyLimitKeepsBytesAndMetadata() throws Exception {
        ObjectStore store = MinioObjectStore.open(server.s3Endpoint(), "photos",
                MinioTuning.defaults().withMaxSingleCopySize(MinioTuning.MIB));
        byte[] data = new byte[6 * 1024 * 1024 + 7];
        new Random(3).nextBytes(data);
        store.putBytes("copy/big-source", data, Map.of("mode", "0100640"));
        var copy = store.copy("copy/big-source", "copy/big-target");
        assertEquals(data.length, copy.size());
        var stat = store.stat("copy/big-target").orElseThrow();
        assertEquals(Map.of("mode", "0100640"), stat.userMetadata());
        assertEquals(copy.etag(), stat.etag(), "the copy's answer is what stat says later");
        try (InputStream in = store.get("copy/big-target", 0, -1)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void filesLargerThanAPartGoUpAsMultipartUploads(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        ObjectStore store = MinioObjectStore.open(server.s3Endpoint(), "photos",
                MinioTuning.defaults().withPartSize(5 * MinioTuning.MIB));
        byte[] data = new byte[(int) (11 * MinioTuning.MIB)];
        new Random(5).nextBytes(data);
        Path file = java.nio.file.Files.write(tmp.resolve("eleven-mib"), data);
        var put = store.putFile("multi/part", file, Map.of("mode", "0100600"));
        // The ETag returned is the one that stat and list report later (S3Proxy's differs from its upload answer).
        assertEquals(put.etag(), store.stat("multi/part").orElseThrow().etag());
        assertEquals(put.etag(), store.list("multi/").getFirst().etag());
        assertEquals(Map.of("mode", "0100600"), server.objectMetadata("photos", "multi/part").orElseThrow());
        assertArrayEquals(data, server.readObject("photos", "multi/part"));
    }

    @Test
    void noMessageOrDescriptionRevealsASecret() throws Exception {
        var endpoint = S3Endpoint.of(server.endpoint(), "", server.accessKey(), server.secretKey());
        ObjectStore store = MinioObjectStore.open(endpoint, "photos");
        assertFalse(endpoint.toString().contains(server.secretKey()), endpoint.toString());
        assertTrue(endpoint.toString().contains("****"), endpoint.toString());
        assertFalse(store.toString().contains(server.secretKey()));
        assertFalse(store.describe().contains(server.secretKey()));
        assertEquals("bucket 'photos' at " + server.endpoint(), store.describe());
        // Provoke a few more failures with the right secret too, then check every message and cause seen.
        expect(StoreException.Permanent.class, () -> MinioObjectStore.open(endpoint, "Bad_Name").list(""));
        expect(StoreException.Permanent.class, () -> MinioObjectStore.open(endpoint, "Bad_Name").listDirectory(""));
        expect(StoreException.NotFound.class, () -> store.get("no/such/object", 0, -1));
        wrongSecretIsPermanentAndSaysWhatIsWrong();
        unreachableEndpointFailsFastAsTransientNamingTheEndpoint();
        List<Throwable> seen;
        synchronized (SEEN) {
            seen = List.copyOf(SEEN);
        }
        assertTrue(seen.size() >= 6);
        for (Throwable error : seen) {
            for (Throwable e = error; e != null; e = e.getCause()) {
                for (String secret : List.of(server.secretKey(), WRONG_SECRET)) {
                    assertFalse(String.valueOf(e.getMessage()).contains(secret), "secret in " + e);
                    assertFalse(e.toString().contains(secret), "secret in " + e);
                }
            }
        }
    }

    private static <T extends StoreException> T expect(Class<T> type, Executable call) {
        T e = assertThrows(type, call);
        synchronized (SEEN) {
            SEEN.add(e);
        }
        return e;
    }

    /** A loopback port with nothing listening on it. */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aCancelledUploadFailsAndLeavesTheStoredVersion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        ObjectStore store = MinioObjectStore.open(server.s3Endpoint(), "photos",
                MinioTuning.defaults().withPartSize(5L * 1024 * 1024));
        java.nio.file.Path file = tmp.resolve("big.bin");
        byte[] first = new byte[64 * 1024];
        java.util.Arrays.fill(first, (byte) 1);
        java.nio.file.Files.write(file, first);
        store.putFile("cancel/big.bin", file, Map.of());

        // 12 MiB: a multipart upload; cancelled once some data went out
        byte[] second = new byte[12 * 1024 * 1024];
        java.util.Arrays.fill(second, (byte) 2);
        java.nio.file.Files.write(file, second);
        var checks = new java.util.concurrent.atomic.AtomicInteger();
        var e = expect(StoreException.Transient.class,
                () -> store.putFile("cancel/big.bin", file, Map.of(), () -> checks.incrementAndGet() > 3));
        assertTrue(e.getMessage().contains("cancel/big.bin"), e.getMessage());
        assertArrayEquals(first, server.readObject("photos", "cancel/big.bin"), "the stored version is untouched");

        store.putFile("cancel/big.bin", file, Map.of(), () -> false);
        assertEquals(second.length, server.readObject("photos", "cancel/big.bin").length, "an uncancelled upload works");
    }
}
