package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.fuse.FuseVolumeMount;
import io.cloudsync.journal.Journal;
import io.cloudsync.testsupport.S3ProxyServer;
import io.cloudsync.writeback.BucketTree;
import io.cloudsync.writeback.Uploader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A volume of the host tests, whole: an S3Proxy of its own with bucket {@link #BUCKET}, a journal, a cache over the
 * volume's prefix, an uploader and a FUSE mount, built as the plugin builds them (see OpenVolume) and closed in
 * the reverse order.
 */
final class BucketVolume implements AutoCloseable {

    static final String BUCKET = "host-tests";

    /** How a test wants its volume; the defaults are a plain new volume. */
    record Settings(String prefix, Duration writebackDelay, Duration refreshInterval, long cacheMaxSize) {
        static Settings defaults(String prefix) {
            return new Settings(prefix, Duration.ofMillis(200), Duration.ZERO, Long.MAX_VALUE);
        }

        Settings writebackDelay(Duration d) {
            return new Settings(prefix, d, refreshInterval, cacheMaxSize);
        }

        Settings refreshInterval(Duration d) {
            return new Settings(prefix, writebackDelay, d, cacheMaxSize);
        }

        Settings cacheMaxSize(long bytes) {
            return new Settings(prefix, writebackDelay, refreshInterval, bytes);
        }
    }

    /** What a test puts into the bucket before the volume is created over it. */
    interface BucketContent {
        void put(S3ProxyServer s3) throws IOException;
    }

    final S3ProxyServer s3;
    final Journal journal;
    final VolumeCache cache;
    final Uploader uploader;
    final FuseVolumeMount mount;
    final Path mnt;
    final Path data;
    final String prefix;

    private BucketVolume(S3ProxyServer s3, Journal journal, VolumeCache cache, Uploader uploader, FuseVolumeMount mount,
                         Path mnt, Path data, String prefix) {
        this.s3 = s3;
        this.journal = journal;
        this.cache = cache;
        this.uploader = uploader;
        this.mount = mount;
        this.mnt = mnt;
        this.data = data;
        this.prefix = prefix;
    }

    /** Starts the server, fills the bucket with {@code content}, then creates and mounts a new volume over it. */
    static BucketVolume start(Path tmp, Settings settings, BucketContent content) throws IOException {
        S3ProxyServer s3 = S3ProxyServer.startNew(tmp.resolve("s3"));
        Journal journal = null;
        Uploader uploader = null;
        try {
            s3.createBucket(BUCKET);
            content.put(s3);
            journal = Journal.open(tmp.resolve("journal"));
            Path data = tmp.resolve("data");
            VolumeCache.markRootUnlisted(data);
            VolumeCache cache = new VolumeCache(data, journal, false,
                    new BucketTree(s3.store(BUCKET), settings.prefix(), new BucketTree.ObjectDefaults(0, 0, 0644, 0755)),
                    settings.refreshInterval(), settings.cacheMaxSize());
            uploader = new Uploader("host-test", journal, s3.store(BUCKET), settings.prefix(),
                    new CacheUploadSource(cache), settings.writebackDelay(), 2);
            cache.useWaitingUploads(uploader::postponeWaitingUpload);
            uploader.start();
            Path mnt = tmp.resolve("mnt");
            FuseVolumeMount mount = FuseVolumeMount.mount(cache, mnt);
            return new BucketVolume(s3, journal, cache, uploader, mount, mnt, data, settings.prefix());
        } catch (IOException | RuntimeException | Error e) {
            closeAll(null, uploader, journal, s3);
            throw e;
        }
    }

    /** Runs {@code script} with sh in the mount; fails with its output unless it exits 0. */
    String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(mnt.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), script);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> script + ": " + out);
        return out;
    }

    /** The object of volume path {@code rel}. */
    byte[] object(String rel) {
        return s3.readObject(BUCKET, prefix + "/" + rel);
    }

    @Override
    public void close() throws IOException {
        closeAll(mount, uploader, journal, s3);
    }

    private static void closeAll(FuseVolumeMount mount, Uploader uploader, Journal journal, S3ProxyServer s3)
            throws IOException {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            try {
                if (uploader != null) {
                    uploader.close();
                }
            } finally {
                try {
                    if (journal != null) {
                        journal.close();
                    }
                } finally {
                    s3.close();
                }
            }
        }
    }
}
