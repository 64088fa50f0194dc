package io.cloudsync.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cloudsync.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes other tools make in the bucket come into a listed directory at the next look after the interval. */
class VolumeCacheRefreshTest {

    private static final Duration REFRESH = Duration.ofMillis(100);

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        remote = new FakeRemoteTree()
                .file("readme.txt", bytes("hello\n"), 0644, 0, 0, Instant.EPOCH)
                .file("keep.txt", bytes("keep\n"), 0644, 0, 0, Instant.EPOCH);
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote, REFRESH);
        assertEquals(List.of("keep.txt", "readme.txt"), names());
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws IOException {
        return cache.list("/").stream().map(DirEntry::name).sorted().toList();
    }

    private String read(String path) throws IOException {
        long h = cache.open(path, Set.of(StandardOpenOption.READ));
        try {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            cache.read(h, buf, 0);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } finally {
            cache.release(h);
        }
    }

    @Test
    void anObjectAddedByAnotherToolAppears() {
        remote.file("new.txt", bytes("new\n"), 0600, 7, 8, Instant.EPOCH);
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("new.txt"));
        await().atMost(Duration.ofSeconds(5)).until(() -> read("/new.txt").equals("new\n"));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aStalledServerDoesNotHoldALookAtAStaleDirectoryButItsChangesComeInWhenItAnswers() throws Exception {
        remote.file("late.txt", bytes("late\n"), 0644, 0, 0, Instant.EPOCH);
        remote.stallListings();
        try {
            Thread.sleep(REFRESH.toMillis() * 2); // not synchronization: lets the listing of the root grow stale
            long start = System.nanoTime();
            assertEquals(List.of("keep.txt", "readme.txt"), names(), "the volume's view while the server stalls");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            org.junit.jupiter.api.Assertions.assertTrue(tookMillis < RemoteListing.REFRESH_WAIT_MILLIS + 1500,
                    "the look took " + tookMillis + " ms");
        } finally {
            remote.endStall();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("late.txt"));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void looksDuringARefreshThatOutlastsTheWaitAnswerAtOnceRatherThanEachWaitingAgain() throws Exception {
        remote.stallListings();
        try {
            Thread.sleep(REFRESH.toMillis() * 2); // not synchronization: lets the listing of the root grow stale
            names(); // starts the refresh, and waits for it as long as a look waits
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                assertEquals(List.of("keep.txt", "readme.txt"), names(), "the volume's view while the server stalls");
                cache.attributes("/readme.txt");
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            // Each of the 20 looks waiting again would take 20 times the wait.
            org.junit.jupiter.api.Assertions.assertTrue(tookMillis < RemoteListing.REFRESH_WAIT_MILLIS,
                    "20 looks during the stalled refresh took " + tookMillis + " ms");
        } finally {
            remote.endStall();
        }
    }

    @Test
    void anObjectReplacedByAnotherToolIsReadInItsNewVersion() throws IOException {
        assertEquals("hello\n", read("/readme.txt")); // fetched: the cache holds the old bytes
        remote.replace("readme.txt", bytes("replaced, longer\n"));
        await().atMost(Duration.ofSeconds(5)).until(() -> read("/readme.txt").equals("replaced, longer\n"));
        assertEquals(List.of(), journal.pending(), "taking in the bucket's change is not a change to upload");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aFileReplacedByAnotherToolNeverDisappearsFromTheCacheWhileARefreshTakesItIn() throws Exception {
        // A look that stopped waiting for a long refresh reads the cache directory while the refresh changes it.
        Path node = tmp.resolve("data/readme.txt");
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger missing = new java.util.concurrent.atomic.AtomicInteger();
        Thread looker = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                if (!java.nio.file.Files.exists(node, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    missing.incrementAndGet();
                }
            }
        });
        try {
            for (int i = 0; i < 100; i++) {
                String version = "version " + i + "\n";
                remote.replace("readme.txt", bytes(version));
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                        .until(() -> read("/readme.txt").equals(version));
            }
        } finally {
            done.set(true);
            looker.join();
        }
        assertEquals(0, missing.get(), "times the file was missing while the refresh replaced it");
    }

    @Test
    void aRefreshCutShortByACrashLeavesNothingBehindOnTheNextOpen() throws IOException {
        Path leftover = tmp.resolve("data.staging/replacing-1");
        java.nio.file.Files.writeString(leftover, "half made");
        cache = new VolumeCache(tmp.resolve("data"), journal, false, remote, REFRESH);
        assertFalse(java.nio.file.Files.exists(leftover));
        assertEquals(List.of("keep.txt", "readme.txt"), names());
    }

    @Test
    void anObjectDeletedByAnotherToolDisappears() {
        remote.delete("readme.txt");
        await().atMost(Duration.ofSeconds(5)).until(() -> !names().contains("readme.txt"));
        assertEquals(List.of("keep.txt"), namesQuietly());
    }

    @Test
    void aLocalChangeNotYetUploadedIsNeverReplacedByTheBucketsVersion() throws IOException {
        long h = cache.open("/readme.txt", Set.of(StandardOpenOption.WRITE));
        cache.write(h, ByteBuffer.wrap(bytes("LOCAL")), 0);
        cache.release(h);
        remote.replace("readme.txt", bytes("remote\n"));
        remote.delete("keep.txt");
        int before = remote.listings.size();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            names();
            return remote.listings.size() >= before + 2;
        });
        assertEquals("LOCAL\n", read("/readme.txt"));
        assertFalse(names().contains("keep.txt"), "an unchanged file deleted in the bucket still goes");
    }

    @Test
    void aFifoStaysWhateverTheBucketHasAtItsNameAndTheRefreshNeverOpensIt() throws IOException {
        cache.mknod("/pipe", 0010644, 0, null);
        for (var entry : journal.pending()) {
            journal.complete(entry.seq()); // uploaded: nothing waits for the name, a refresh may look at it
        }
        remote.file("pipe", bytes("a file by another tool\n"), 0644, 0, 0, Instant.EPOCH);
        remote.file("later.txt", bytes("later\n"), 0644, 0, 0, Instant.EPOCH);
        // A refresh that opened the FIFO would block here, and the new object would never appear.
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("later.txt"));
        assertEquals(NodeType.FIFO, cache.attributes("/pipe").type(), "a special file is never replaced by a refresh");

        remote.delete("pipe");
        remote.file("last.txt", bytes("last\n"), 0644, 0, 0, Instant.EPOCH);
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("last.txt"));
        assertEquals(NodeType.FIFO, cache.attributes("/pipe").type(), "nor removed");
    }

    private List<String> namesQuietly() {
        try {
            return names();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
