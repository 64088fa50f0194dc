package io.cloudsync.testsupport;

import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.minio.MinioObjectStore;
import io.cloudsync.store.minio.S3Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 server for tests: S3Proxy on 127.0.0.1, in this JVM, storing buckets as directories under a data
 * directory (the {@code filesystem-nio2} backend; object metadata lives in extended attributes, so the data
 * directory must be on a filesystem that has them, as ext4 and tmpfs do).
 *
 * <p>{@link #stop()} and {@link #start()} take the server off and on the network on the same port with the
 * same data, as an outage of the object store looks to the plugin. The inspection helpers ({@link #listKeys},
 * {@link #readObject}, {@link #objectMetadata}, {@link #putObject}) read and write the backend directly, not
 * through S3: they say what the bucket holds whatever the client code under test does, work while the server
 * is stopped, and are not counted in {@link #bytesServed()}.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "cloudsync-test-access";
    public static final String SECRET_KEY = "cloudsync-test-secret-0123456789";
    public static final String REGION = "us-east-1";

    // Held so that the levels stay set: java.util.logging keeps loggers only weakly.
    private static final List<Logger> QUIETED = Stream.of("org.jclouds", "org.gaul", "jclouds")
            .map(Logger::getLogger).peek(l -> l.setLevel(Level.WARNING)).toList();

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String accessKey;
    private final String secretKey;
    private final BlobStoreContext context;
    private final CountingBlobStore blobStore;
    private final ListingGapsBlobStore served;
    private final Map<String, MinioObjectStore> stores = new ConcurrentHashMap<>();
    private int port;
    private S3Proxy proxy;

    private S3ProxyServer(Path dataDir, boolean ownsDataDir, int port, String accessKey, String secretKey)
            throws IOException {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        Files.createDirectories(dataDir);
        var properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        this.context = ContextBuilder.newBuilder("filesystem-nio2")
                .credentials("unused", "unused")
                .overrides(properties)
                .build(BlobStoreContext.class);
        this.blobStore = new CountingBlobStore(context.getBlobStore());
        this.served = new ListingGapsBlobStore(blobStore);
    }

    /** Starts a server on a free port with the test credentials, data in a temporary directory deleted at close. */
    public static S3ProxyServer startNew() {
        try {
            return startNew(Files.createTempDirectory("s3proxy-"), true, 0, ACCESS_KEY, SECRET_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for S3Proxy", e);
        }
    }

    /** Starts a server on a free port with the test credentials, data in {@code dataDir} (kept at close). */
    public static S3ProxyServer startNew(Path dataDir) {
        return startNew(dataDir, false, 0, ACCESS_KEY, SECRET_KEY);
    }

    /** Starts a server on {@code port} (0: a free one) with the given credentials, data in {@code dataDir} (kept). */
    public static S3ProxyServer startNew(Path dataDir, int port, String accessKey, String secretKey) {
        return startNew(dataDir, false, port, accessKey, secretKey);
    }

    private static S3ProxyServer startNew(Path dataDir, boolean owns, int port, String accessKey, String secretKey) {
        S3ProxyServer server;
        try {
            server = new S3ProxyServer(dataDir, owns, port, accessKey, secretKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare S3Proxy data directory " + dataDir, e);
        }
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts listening (on the port of the first start, with the same data); does nothing if running. */
    public synchronized void start() {
        if (proxy != null) {
            return;
        }
        var candidate = S3Proxy.builder()
                .blobStore(served)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            candidate.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        port = candidate.getPort();
        proxy = candidate;
    }

    /** Stops listening; connections are refused until {@link #start()}. The data stays. Does nothing if stopped. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy on port " + port + ": " + e.getMessage(), e);
        } finally {
            proxy = null;
        }
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** "http://127.0.0.1:PORT" */
    public synchronized String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public synchronized int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String region() {
        return REGION;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Endpoint and credentials of this server, as the plugin's configuration would give them. */
    public S3Endpoint s3Endpoint() {
        return S3Endpoint.of(endpoint(), REGION, accessKey, secretKey);
    }

    /** A client store for {@code bucket} on this server (shared; closing it is harmless). */
    public ObjectStore store(String bucket) {
        return stores.computeIfAbsent(bucket, b -> MinioObjectStore.open(s3Endpoint(), b));
    }

    /** Creates {@code bucket} if it does not exist. */
    public void createBucket(String bucket) {
        blobStore.createContainerInLocation(null, bucket);
    }

    public boolean bucketExists(String bucket) {
        return blobStore.containerExists(bucket);
    }

    /** Every key in {@code bucket}, in key order (directory markers "dir/" included). */
    public List<String> listKeys(String bucket) {
        return listKeys(bucket, "");
    }

    /** Every key in {@code bucket} that starts with {@code prefix}, in key order. */
    public List<String> listKeys(String bucket, String prefix) {
        var keys = new ArrayList<String>();
        var options = ListContainerOptions.Builder.recursive();
        if (!prefix.isEmpty()) {
            options.prefix(prefix);
        }
        while (true) {
            var page = blobStore.uncounted().list(bucket, options);
            for (StorageMetadata metadata : page) {
                keys.add(metadata.getName());
            }
            if (page.getNextMarker() == null) {
                break;
            }
            options.afterMarker(page.getNextMarker());
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    /** The bytes of an object, or an {@link AssertionError} if there is none. */
    public byte[] readObject(String bucket, String key) {
        Blob blob = blobStore.uncounted().getBlob(bucket, key);
        if (blob == null) {
            throw new AssertionError("no object '" + key + "' in bucket '" + bucket + "'; it has " + listKeys(bucket));
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read object '" + key + "' of bucket '" + bucket + "'", e);
        }
    }

    /** Whether {@code bucket} holds {@code key}. */
    public boolean objectExists(String bucket, String key) {
        return blobStore.uncounted().blobExists(bucket, key);
    }

    /** The user metadata of an object (names lower case, no x-amz-meta- prefix), empty if there is no object. */
    public Optional<Map<String, String>> objectMetadata(String bucket, String key) {
        BlobMetadata metadata = blobStore.uncounted().blobMetadata(bucket, key);
        return Optional.ofNullable(metadata).map(m -> Map.copyOf(m.getUserMetadata()));
    }

    /** Writes an object directly, as another tool would put it in the bucket. */
    public void putObject(String bucket, String key, byte[] bytes, Map<String, String> userMetadata) {
        var blob = blobStore.blobBuilder(key).payload(bytes).contentLength(bytes.length)
                .contentType("application/octet-stream").userMetadata(userMetadata).build();
        blobStore.putBlob(bucket, blob);
    }

    /**
     * From now on, S3 listings leave out the object {@code key} while HEAD and GET still find it, as some servers'
     * listings do (S3Proxy's own backend at random while objects are written into the same directory).
     */
    public void leaveOutOfListings(String bucket, String key) {
        served.leaveOutOfListings(bucket, key);
    }

    /** Deletes an object directly, as another tool would. */
    public void deleteObject(String bucket, String key) {
        blobStore.removeBlob(bucket, key);
    }

    /** Object bytes sent for GET requests (and part copies) since the start or the last {@link #resetBytesServed()}. */
    public long bytesServed() {
        return blobStore.bytesServed();
    }

    /** Resets {@link #bytesServed()} and the request counts. */
    public void resetBytesServed() {
        blobStore.reset();
    }

    /** HEAD requests answered since the start or the last {@link #resetBytesServed()}. */
    public long headRequests() {
        return blobStore.heads();
    }

    /** Bytes of object {@code key} (of any bucket) sent since the start or the last {@link #resetBytesServed()}. */
    public long bytesServed(String key) {
        return blobStore.bytesServed(key);
    }

    /** HEAD requests of object {@code key} (of any bucket) since the start or the last {@link #resetBytesServed()}. */
    public long headRequests(String key) {
        return blobStore.heads(key);
    }

    /** GET requests of object bytes answered since the start or the last {@link #resetBytesServed()}. */
    public long getRequests() {
        return blobStore.gets();
    }

    /** Stops the server and, if the data directory was made by {@link #startNew()}, deletes it. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            context.close();
            if (ownsDataDir) {
                deleteTree(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + endpoint() + ", data " + dataDir + (isRunning() ? "" : ", stopped") + "]";
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete S3Proxy data directory " + root, e);
        }
    }
}
