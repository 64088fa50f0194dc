package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.testsupport.S3ProxyServer;
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

    private static final String BUCKET = BucketVolume.BUCKET;
    private static final String PREFIX = "vol";
    private static final long BOUND = 16L << 20;
    /** Directories take blocks du counts but the bound (file data) does not. */
    private static final long DIRECTORY_SLACK = 64 * 1024;

    @TempDir
    Path tmp;
    BucketVolume v;
    S3ProxyServer s3;
    Uploader uploader;
    Path data;

    @BeforeEach
    void start() throws IOException {
        v = BucketVolume.start(tmp, BucketVolume.Settings.defaults(PREFIX).writebackDelay(Duration.ofMillis(100))
                .cacheMaxSize(BOUND), s3 -> { });
        s3 = v.s3;
        uploader = v.uploader;
        data = v.data;
    }

    @AfterEach
    void stop() throws IOException {
        v.close();
    }

    private String sh(String script) throws IOException, InterruptedException {
        return v.sh(script);
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

    @Test
    void anObjectLargerThanTheWholeCacheReadsWholeThroughTheVolume() throws Exception {
        byte[] big = new byte[(int) (BOUND * 5 / 2)];
        new java.util.Random(7).nextBytes(big);
        v.close(); // a volume created over a bucket that holds the object already
        v = BucketVolume.start(tmp.resolve("over-big"), BucketVolume.Settings.defaults(PREFIX).cacheMaxSize(BOUND),
                server -> server.putObject(BUCKET, PREFIX + "/big.bin", big, Map.of()));
        data = v.data;
        assertEquals(sha256(big) + "  big.bin", sh("sha256sum big.bin").trim(),
                "the whole object reads back through one open, though the cache holds less than half of it");
        long left = du();
        assertTrue(left <= BOUND + DIRECTORY_SLACK, "the read left " + left + " bytes in a cache of " + BOUND);
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
