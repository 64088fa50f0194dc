package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import io.cloudsync.testsupport.S3ProxyServer;
import io.cloudsync.writeback.Uploader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new volume over a prefix that other tools filled (objects put straight into S3Proxy, some with s3fs metadata,
 * most with none), mounted with FUSE on the host: programs see the tree, the attributes and the bytes, and reading
 * the start of a large object fetches about that much from the server.
 */
@Tag("fuse")
class FuseRemoteDataTest {

    private static final String BUCKET = BucketVolume.BUCKET;
    private static final String PREFIX = "shared";
    private static final Duration REFRESH = Duration.ofSeconds(1);

    @TempDir
    Path tmp;
    BucketVolume v;
    S3ProxyServer s3;
    Journal journal;
    Uploader uploader;
    byte[] big;

    @BeforeEach
    void start() throws IOException {
        big = new byte[32 << 20];
        new Random(3).nextBytes(big);
        v = BucketVolume.start(tmp, BucketVolume.Settings.defaults(PREFIX).writebackDelay(Duration.ofMillis(100))
                .refreshInterval(REFRESH), s3 -> {
                    s3.putObject(BUCKET, PREFIX + "/readme.txt", "hello\n".getBytes(StandardCharsets.UTF_8), Map.of());
                    s3.putObject(BUCKET, PREFIX + "/nested/deep/x.txt", "deep\n".getBytes(StandardCharsets.UTF_8), Map.of());
                    s3.putObject(BUCKET, PREFIX + "/big.bin", big, Map.of());
                    s3.putObject(BUCKET, PREFIX + "/by-s3fs", "s3fs\n".getBytes(StandardCharsets.UTF_8),
                            Map.of("mode", "33152", "uid", "1234", "gid", "5678", "mtime", "1700000000"));
                    s3.putObject(BUCKET, PREFIX + "/emptydir/", new byte[0], Map.of());
                    s3.putObject(BUCKET, PREFIX + "/link", "readme.txt".getBytes(StandardCharsets.UTF_8),
                            Map.of("mode", "41471"));
                    s3.putObject(BUCKET, "elsewhere/not-mine.txt", "x".getBytes(StandardCharsets.UTF_8), Map.of());
                });
        s3 = v.s3;
        journal = v.journal;
        uploader = v.uploader;
    }

    @AfterEach
    void stop() throws IOException {
        v.close();
    }

    private String sh(String script) throws IOException, InterruptedException {
        return v.sh(script);
    }

    @Test
    void programsSeeTheBucketsTreeAttributesAndBytes() throws Exception {
        assertEquals(List.of(".", "./big.bin", "./by-s3fs", "./emptydir", "./link", "./nested", "./nested/deep",
                "./nested/deep/x.txt", "./readme.txt"), sh("find . | LC_ALL=C sort").lines().toList());
        assertEquals("600 1234 5678 5 1700000000", sh("stat -c '%a %u %g %s %Y' by-s3fs").trim());
        assertEquals("644 0 0 6", sh("stat -c '%a %u %g %s' readme.txt").trim());
        assertEquals("755 directory", sh("stat -c '%a %F' emptydir").trim());
        assertEquals("readme.txt", sh("readlink link").trim());
        assertEquals("hello\n", sh("cat link"));
        assertEquals("deep\n", sh("cat nested/deep/x.txt"));
        assertEquals(sha256(big), sh("sha256sum big.bin").split(" ")[0]);
        assertEquals(List.of(), journal.pending(), "what was listed and read is not uploaded back");
    }

    @Test
    void readingTheFirstMebibyteOfALargeObjectFetchesAboutThatMuch() throws Exception {
        sh("ls -l > /dev/null");
        s3.resetBytesServed();
        sh("dd if=big.bin of=/dev/null bs=128k count=8 2>/dev/null");
        long served = s3.bytesServed();
        assertTrue(served >= (1 << 20) && served <= (4 << 20),
                "the server sent " + served + " bytes to read 1 MiB of a 32 MiB object");
    }

    @Test
    void readingALargeObjectWholeCostsNoHeadAFewGetsAndEachByteOnce() throws Exception {
        sh("ls -l > /dev/null");
        s3.resetBytesServed();
        assertEquals(sha256(big), sh("sha256sum big.bin").split(" ")[0]);
        assertEquals(0, s3.headRequests(PREFIX + "/big.bin"), "the listed version is checked by the GETs themselves");
        assertEquals(big.length, s3.bytesServed(PREFIX + "/big.bin"));
        assertTrue(s3.getRequests() <= 12, s3.getRequests() + " GETs for 32 MiB read on sequentially");
    }

    @Test
    void aChangeToAFileFromTheBucketIsUploadedWhole() throws Exception {
        sh("echo more >> readme.txt && dd if=/dev/zero of=big.bin bs=1 count=4 seek=100 conv=notrunc 2>/dev/null");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());
        assertEquals("hello\nmore\n", new String(s3.readObject(BUCKET, PREFIX + "/readme.txt"), StandardCharsets.UTF_8));
        byte[] expected = big.clone();
        java.util.Arrays.fill(expected, 100, 104, (byte) 0);
        assertEquals(sha256(expected), sha256(s3.readObject(BUCKET, PREFIX + "/big.bin")));
    }

    @Test
    void objectsAddedOrDeletedByAnotherToolShowWithinTheRefreshInterval() throws Exception {
        sh("ls -R > /dev/null");
        s3.putObject(BUCKET, PREFIX + "/nested/added.txt", "added\n".getBytes(StandardCharsets.UTF_8), Map.of());
        s3.deleteObject(BUCKET, PREFIX + "/nested/deep/x.txt");
        org.awaitility.Awaitility.await("the bucket's changes in the volume").atMost(REFRESH.plusSeconds(10))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertEquals("added\n", sh("cat nested/added.txt 2>&1 || true"));
                    assertEquals("", sh("ls nested/deep"));
                });
        assertEquals(List.of(), journal.pending(), "what another tool did is not uploaded back");
    }

    @Test
    void anObjectReplacedByAnotherToolShowsItsNewSizeAndBytesThoughTheKernelHadSeenIt() throws Exception {
        // The kernel looked at both files: with its writeback cache it keeps their size as long as it keeps the inode.
        assertEquals("hello\n", sh("cat readme.txt"));
        assertEquals("deep\n", sh("cat nested/deep/x.txt"));
        String longer = "a longer version, written by another tool\n";
        s3.putObject(BUCKET, PREFIX + "/readme.txt", longer.getBytes(StandardCharsets.UTF_8), Map.of());
        s3.putObject(BUCKET, PREFIX + "/nested/deep/x.txt", "d\n".getBytes(StandardCharsets.UTF_8), Map.of());
        org.awaitility.Awaitility.await("the new versions in the volume").atMost(REFRESH.plusSeconds(10))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertEquals(longer, sh("cat readme.txt"));
                    assertEquals(longer.length() + "", sh("stat -c %s readme.txt").trim());
                    assertEquals("d\n", sh("cat nested/deep/x.txt"));
                    assertEquals("2", sh("stat -c %s nested/deep/x.txt").trim());
                });
        assertEquals(List.of(), journal.pending(), "what another tool did is not uploaded back");
    }

    @Test
    void aFileChangedHereAndByAnotherToolKeepsBothVersions() throws Exception {
        assertEquals("hello\n", sh("cat readme.txt"));
        s3.putObject(BUCKET, PREFIX + "/readme.txt", "theirs\n".getBytes(StandardCharsets.UTF_8), Map.of());
        sh("echo ours >> readme.txt");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());

        assertEquals("theirs\n", new String(s3.readObject(BUCKET, PREFIX + "/readme.txt"), StandardCharsets.UTF_8),
                "the other tool's version keeps its name");
        List<String> conflicts = s3.listKeys(BUCKET, PREFIX + "/").stream().filter(k -> k.contains(".conflict-")).toList();
        assertEquals(1, conflicts.size(), conflicts::toString);
        assertTrue(conflicts.get(0).matches(PREFIX + "/readme\\.conflict-\\d{8}-\\d{6}\\.txt"), conflicts::toString);
        assertEquals("hello\nours\n", new String(s3.readObject(BUCKET, conflicts.get(0)), StandardCharsets.UTF_8),
                "our version is kept beside theirs");
        String local = conflicts.get(0).substring(PREFIX.length() + 1);
        assertEquals("hello\nours\n", sh("cat " + local), "the volume shows our version under the conflict name");
        org.awaitility.Awaitility.await("the other tool's version under the name").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals("theirs\n", sh("cat readme.txt")));
        assertEquals(1, uploader.status().conflicts());
        assertTrue(uploader.status().lastConflict().contains(".conflict-"), uploader.status().lastConflict());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
