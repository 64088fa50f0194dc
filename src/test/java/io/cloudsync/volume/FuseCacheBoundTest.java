package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.fuse.FuseVolumeMount;
import io.cloudsync.journal.Journal;
import io.cloudsync.testsupport.S3ProxyServer;
import io.cloudsync.writeback.BucketTree;
import io.cloudsync.writeback.UploadSource;
import io.cloudsync.writeback.Uploader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cache-max-size as a hard bound, with real programs, a real mount and a real S3 server: twice the bound is
 * written and then read back through the volume while the cache directory is measured (du) the whole time.
 */
@Tag("fuse")
class FuseCacheBoundTest {

    private static final String BUCKET = "bounded";
    private static final String PREFIX = "vol";
    private static final long BOUND = 16L << 20;
    /** Directories take blocks du counts but the bound (file data) does not. */
    private static final long DIRECTORY_SLACK = 64 * 1024;

    @TempDir
    Path tmp;
    S3ProxyServer s3;
    Journal journal;
    Uploader uploader;
    FuseVolumeMount mount;
    Path mnt;
    Path data;

    @BeforeEach
    void start() throws IOException {
        s3 = S3ProxyServer.startNew(tmp.resolve("s3"));
        s3.createBucket(BUCKET);
        journal = Journal.open(tmp.resolve("journal"));
        data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        VolumeCache cache = new VolumeCache(data, journal, false,
                new BucketTree(s3.store(BUCKET), PREFIX, new BucketTree.ObjectDefaults(0, 0, 0644, 0755)),
                Duration.ZERO, BOUND);
        UploadSource source = new CacheUploadSource(cache);
        uploader = new Uploader("bounded", journal, s3.store(BUCKET), PREFIX, source, Duration.ofMillis(100), 2);
        uploader.start();
        mnt = tmp.resolve("mnt");
        mount = FuseVolumeMount.mount(cache, mnt);
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            if (uploader != null) {
                uploader.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (s3 != null) {
                s3.close();
            }
        }
    }

    private String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(mnt.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), script);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> script + ": " + out);
        return out;
    }

    private long du() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "-B1", data.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    @Test
    void writingAndReadingTwiceTheBoundNeverLetsTheCacheExceedIt() throws Exception {
        AtomicLong largest = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                try {
                    largest.accumulateAndGet(du(), Math::max);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    // a file vanished mid-walk: the next sample counts
                }
            }
        });
        try {
            sh("for i in 0 1 2 3 4 5 6 7; do dd if=/dev/urandom of=f$i bs=1M count=4 2>/dev/null; done");
            Map<String, String> written = sums(sh("sha256sum f*"));
            assertEquals(8, written.size());
            Map<String, String> readBack = sums(sh("sha256sum f* && sha256sum f*"));
            assertEquals(written, readBack, "every byte reads back right, fetched again where evicted");
            assertTrue(uploader.flush(Duration.ofSeconds(120)), () -> "still pending: " + uploader.status());
            for (var e : written.entrySet()) {
                assertEquals(e.getValue(), sha256(s3.readObject(BUCKET, PREFIX + "/" + e.getKey())), e.getKey());
            }
        } finally {
            sampling.set(false);
            sampler.join(10_000);
        }
        assertTrue(largest.get() <= BOUND + DIRECTORY_SLACK,
                "du saw " + largest.get() + " bytes in the cache; cache-max-size is " + BOUND);
        assertTrue(largest.get() > BOUND / 2, "the cache was barely used (" + largest.get() + "): the test proves nothing");
    }

    private static Map<String, String> sums(String out) {
        Map<String, String> m = new TreeMap<>();
        out.lines().forEach(l -> {
            String[] p = l.trim().split("\\s+");
            m.put(p[1], p[0]);
        });
        return m;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
