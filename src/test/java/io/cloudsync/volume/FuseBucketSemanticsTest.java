package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promises of docs/SEMANTICS.md about the bucket's side of a volume, shown with real programs on a real mount over
 * a real S3 server (S3Proxy): what a chmod alone uploads, what a change to a placeholder or a renamed file uploads,
 * how a file deleted by another tool while changed here ends, what listings and refreshes ask the server, and what
 * a volume does while the server is down.
 */
@Tag("fuse")
class FuseBucketSemanticsTest {

    private static final String BUCKET = BucketVolume.BUCKET;
    private static final String PREFIX = "vol";
    private static final Duration FLUSH = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    BucketVolume v;

    @AfterEach
    void stop() throws IOException {
        if (v != null) {
            v.close();
        }
    }

    private void start(BucketVolume.Settings settings, BucketVolume.BucketContent content) throws IOException {
        v = BucketVolume.start(tmp, settings, content);
    }

    private void flush() throws InterruptedException {
        assertTrue(v.uploader.flush(FLUSH), () -> "still pending: " + v.uploader.status());
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<String> conflictKeys() {
        return v.s3.listKeys(BUCKET, PREFIX + "/").stream().filter(k -> k.contains(".conflict-")).toList();
    }

    @Test
    void aFileDeletedInTheBucketWhileChangedHereIsUploadedAgain() throws Exception {
        start(BucketVolume.Settings.defaults(PREFIX), s3 -> s3.putObject(BUCKET, PREFIX + "/notes.txt",
                "hello\n".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertEquals("hello\n", v.sh("cat notes.txt"));
        v.s3.deleteObject(BUCKET, PREFIX + "/notes.txt");

        v.sh("echo ours >> notes.txt");
        flush();

        assertEquals("hello\nours\n", new String(v.object("notes.txt"), StandardCharsets.UTF_8),
                "the change wins over the deletion");
        assertEquals(List.of(), conflictKeys());
        assertEquals(0, v.uploader.status().conflicts());
    }

    @Test
    void aChmodChownOrTouchAloneIsUploadedLikeAChangeOfContent() throws Exception {
        start(BucketVolume.Settings.defaults(PREFIX), s3 -> { });
        v.sh("echo data > f && mkdir d");
        flush();

        v.sh("chmod 0600 f && chown 1234:5678 f && touch -m -d @1700000000 f && chmod 0700 d");
        flush();

        Map<String, String> file = v.s3.objectMetadata(BUCKET, PREFIX + "/f").orElseThrow();
        assertEquals(String.valueOf(0100600), file.get("mode"), file.toString());
        assertEquals("1234", file.get("uid"), file.toString());
        assertEquals("5678", file.get("gid"), file.toString());
        assertEquals("1700000000", file.get("mtime"), file.toString());
        assertEquals("data\n", new String(v.object("f"), StandardCharsets.UTF_8));
        Map<String, String> dir = v.s3.objectMetadata(BUCKET, PREFIX + "/d/").orElseThrow();
        assertEquals(String.valueOf(040700), dir.get("mode"), dir.toString());
    }

    @Test
    void aChmodOfAFileNeverReadUploadsItsWholeContentFromTheBucket() throws Exception {
        byte[] content = random(3 << 20, 12);
        start(BucketVolume.Settings.defaults(PREFIX), s3 -> s3.putObject(BUCKET, PREFIX + "/data.bin", content, Map.of()));
        v.sh("chmod 0600 data.bin");
        flush();

        assertArrayEquals(content, v.object("data.bin"), "the upload of the new mode kept the bucket's bytes");
        assertEquals(String.valueOf(0100600), v.s3.objectMetadata(BUCKET, PREFIX + "/data.bin").orElseThrow().get("mode"));
    }

    @Test
    void aMovedFileFromTheBucketReadsFromItsOldObjectThenFromItsNewOne() throws Exception {
        byte[] content = random(4 << 20, 13);
        // A long delay: the rename waits for the flush, so the first read happens before it reached the bucket.
        start(BucketVolume.Settings.defaults(PREFIX).writebackDelay(Duration.ofHours(1)),
                s3 -> s3.putObject(BUCKET, PREFIX + "/dir/data.bin", content, Map.of()));
        v.sh("mv dir moved");
        v.sh("head -c 4096 moved/data.bin > " + tmp.resolve("first.bin"));
        assertArrayEquals(Arrays.copyOf(content, 4096), java.nio.file.Files.readAllBytes(tmp.resolve("first.bin")),
                "read from the old object");
        assertTrue(v.s3.objectExists(BUCKET, PREFIX + "/dir/data.bin"), "the rename has not reached the bucket yet");

        flush();
        assertTrue(!v.s3.objectExists(BUCKET, PREFIX + "/dir/data.bin"), "the rename reached the bucket");
        java.nio.file.Files.copy(v.mnt.resolve("moved/data.bin"), tmp.resolve("read.bin"));
        assertArrayEquals(content, java.nio.file.Files.readAllBytes(tmp.resolve("read.bin")),
                "the rest was fetched from the object's new name");
    }

    @Test
    void aListingHeadsEachObjectAndMarkerOnceAndARefreshOnlyWhatIsNewOrReplaced() throws Exception {
        Duration refresh = Duration.ofSeconds(1);
        start(BucketVolume.Settings.defaults(PREFIX).refreshInterval(refresh), s3 -> {
            s3.putObject(BUCKET, PREFIX + "/same.txt", "same\n".getBytes(StandardCharsets.UTF_8), Map.of());
            s3.putObject(BUCKET, PREFIX + "/readme.txt", "hello\n".getBytes(StandardCharsets.UTF_8), Map.of());
            s3.putObject(BUCKET, PREFIX + "/marked/", new byte[0], Map.of());
            s3.putObject(BUCKET, PREFIX + "/unmarked/deep/x.txt", "x\n".getBytes(StandardCharsets.UTF_8), Map.of());
            s3.putObject(BUCKET, PREFIX + "/link", "same.txt".getBytes(StandardCharsets.UTF_8), Map.of("mode", "41471"));
        });
        v.sh("ls -l > /dev/null");
        List<String> unchanged = List.of("same.txt", "marked/", "unmarked/");
        for (String name : unchanged) {
            assertEquals(1, v.s3.headRequests(PREFIX + "/" + name), "HEADs of " + name);
        }
        assertEquals(1, v.s3.headRequests(PREFIX + "/readme.txt"));
        assertEquals(0, v.s3.headRequests(PREFIX + "/unmarked/deep/"), "nothing below the directory looked into");
        assertEquals(1, v.s3.headRequests(PREFIX + "/link"));

        String replaced = "replaced by another tool\n";
        v.s3.putObject(BUCKET, PREFIX + "/readme.txt", replaced.getBytes(StandardCharsets.UTF_8), Map.of());
        v.s3.putObject(BUCKET, PREFIX + "/added.txt", "added\n".getBytes(StandardCharsets.UTF_8), Map.of());
        org.awaitility.Awaitility.await("the bucket's changes in the volume").atMost(refresh.plusSeconds(10))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertEquals(replaced.length() + "", v.sh("stat -c %s readme.txt").trim());
                    assertEquals("6", v.sh("stat -c %s added.txt 2>&1 || true").trim());
                });
        assertEquals(2, v.s3.headRequests(PREFIX + "/readme.txt"), "the new version is looked at once");
        assertEquals(1, v.s3.headRequests(PREFIX + "/added.txt"), "the new object is looked at once");
        for (String name : unchanged) {
            assertEquals(1, v.s3.headRequests(PREFIX + "/" + name),
                    "refreshes look at no object whose ETag did not change, nor at known directories: " + name);
        }
        assertTrue(v.s3.headRequests(PREFIX + "/link") >= 2, "a symlink is looked at again at each refresh");
        assertEquals(replaced, v.sh("cat readme.txt"));
        assertEquals("same\n", v.sh("cat link"));
    }

    @Test
    void objectsThatTheServersListingLeavesOutStayInTheVolumeWhileOnesReallyDeletedGo() throws Exception {
        start(BucketVolume.Settings.defaults(PREFIX).refreshInterval(Duration.ofSeconds(1)), s3 -> {
            for (String name : List.of("kept.txt", "deleted.txt", "album/a.jpg")) {
                s3.putObject(BUCKET, PREFIX + "/" + name, (name + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
            }
        });
        assertEquals("album\ndeleted.txt\nkept.txt\n", v.sh("ls"));
        try (var log = io.cloudsync.testsupport.CapturedLog.named("io.cloudsync.cache.RemoteListing")) {
            v.s3.leaveOutOfListings(BUCKET, PREFIX + "/kept.txt");
            v.s3.leaveOutOfListings(BUCKET, PREFIX + "/album/");
            v.s3.deleteObject(BUCKET, PREFIX + "/deleted.txt");

            org.awaitility.Awaitility.await("a refresh that took in the deletion").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200)).until(() -> !v.sh("ls").contains("deleted.txt"));
            assertEquals("album\nkept.txt\n", v.sh("ls"), "what the listing only left out stays");
            assertEquals("kept.txt\n", v.sh("cat kept.txt"));
            assertEquals("album/a.jpg\n", v.sh("cat album/a.jpg"));
            assertTrue(log.warnings().stream().anyMatch(w -> w.contains("left out 2 objects that are still there")),
                    "the user learns that the server's listings are not to be trusted: " + log.warnings());
        }
    }

    @Test
    void whileTheStoreIsDownOnlyWhatWasListedShowsAndWritesStillWork() throws Exception {
        start(BucketVolume.Settings.defaults(PREFIX), s3 -> {
            s3.putObject(BUCKET, PREFIX + "/seen/a.txt", "a\n".getBytes(StandardCharsets.UTF_8), Map.of());
            s3.putObject(BUCKET, PREFIX + "/unseen/b.txt", "b\n".getBytes(StandardCharsets.UTF_8), Map.of());
        });
        assertEquals("a\n", v.sh("cat seen/a.txt"));
        v.s3.stop();
        try {
            MountedResult unseen = tryShell("ls unseen");
            assertTrue(unseen.exitCode() != 0 && unseen.output().contains("Input/output error"), unseen.toString());
            assertEquals("a\n", v.sh("cat seen/a.txt"), "what was listed and read keeps working");
            v.sh("echo new > seen/new.txt");
            assertEquals("new\n", v.sh("cat seen/new.txt"));
        } finally {
            v.s3.start();
        }
        assertEquals("b.txt\n", v.sh("ls unseen"), "shown once the store answers again");
        flush();
        assertEquals("new\n", new String(v.object("seen/new.txt"), StandardCharsets.UTF_8));
    }

    private record MountedResult(int exitCode, String output) {
    }

    private MountedResult tryShell(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(v.mnt.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), script);
        return new MountedResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
