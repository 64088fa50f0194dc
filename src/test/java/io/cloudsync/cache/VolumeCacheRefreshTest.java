package io.cloudsync.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @org.junit.jupiter.api.Timeout(60)
    void whatChangedHereWhileTheBucketWasListedIsNotUndoneByThatListing() throws Exception {
        Path data = tmp.resolve("data");
        long readmeInode;
        remote.file("other.txt", bytes("other\n"), 0644, 0, 0, Instant.EPOCH);
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("other.txt"));
        remote.replace("other.txt", bytes("other, replaced\n")); // so the listing below shows it as changed
        remote.delete("keep.txt"); // another tool's deletion: shows when the stalled refresh has been taken in
        remote.stallListingsAfterTheirSnapshot();
        try {
            Thread.sleep(REFRESH.toMillis() * 2); // not synchronization: lets the listing of the root grow stale
            names(); // starts the refresh: the bucket is listed now, then the server stalls
            // Meanwhile, here: a new file is written and uploaded; readme.txt is changed and uploaded again;
            // other.txt is deleted, in the bucket too.
            cache.unlink("/other.txt");
            remote.delete("other.txt");
            write("/fresh.txt", "fresh\n");
            remote.file("fresh.txt", bytes("fresh\n"), 0644, 0, 0, Instant.EPOCH);
            write("/readme.txt", "changed here\n");
            remote.replace("readme.txt", bytes("changed here\n"));
            uploaded("fresh.txt", data);
            uploaded("readme.txt", data);
            readmeInode = inode(data.resolve("readme.txt"));
        } finally {
            remote.endStall();
        }
        // Looked at in the cache directory itself: a look through the volume would start the next refresh.
        await().atMost(Duration.ofSeconds(5)).until(() -> !java.nio.file.Files.exists(data.resolve("keep.txt")));
        assertTrue(java.nio.file.Files.exists(data.resolve("fresh.txt")),
                "a file uploaded while the bucket was listed is not removed for missing from the listing");
        assertEquals(readmeInode, inode(data.resolve("readme.txt")),
                "a file uploaded again while the bucket was listed is not replaced by the older version listed");
        assertFalse(java.nio.file.Files.exists(data.resolve("other.txt")),
                "a file deleted while the bucket was listed does not come back from the listing");
        assertEquals("changed here\n", read("/readme.txt"));
    }

    /** Writes {@code content} as the whole file at {@code path}, made if it does not exist. */
    private void write(String path, String content) throws IOException {
        long h = names().contains(path.substring(1))
                ? cache.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
                : cache.create(path, 0644, null, Set.of(StandardOpenOption.WRITE));
        cache.write(h, ByteBuffer.wrap(bytes(content)), 0);
        cache.release(h);
    }

    /** What the uploader does once the file is in the bucket (the fake's version of it), its records completed. */
    private void uploaded(String rel, Path data) throws IOException {
        var attrs = java.nio.file.Files.readAttributes(data.resolve(rel),
                java.nio.file.attribute.BasicFileAttributes.class);
        cache.recordUploaded(rel, remote.version(rel), attrs.size(), attrs.lastModifiedTime().toInstant());
        for (var entry : journal.pending()) {
            journal.complete(entry.seq());
        }
    }

    private static long inode(Path file) throws IOException {
        return (Long) java.nio.file.Files.getAttribute(file, "unix:ino");
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
    void aFileThatAListingLeavesOutWhileTheBucketStillHoldsItStaysAndReadsAsBefore() throws IOException {
        remote.leaveOutOfListings("readme.txt");
        remote.delete("keep.txt");
        await("a refresh that met both").atMost(Duration.ofSeconds(5)).until(() -> !names().contains("keep.txt"));
        assertEquals(List.of("readme.txt"), names(), "the deleted object goes, the one only left out stays");
        assertEquals("hello\n", read("/readme.txt"));
    }

    @Test
    void aKnownDirectoryThatAListingLeavesOutWhileItHoldsObjectsStays() throws IOException {
        remote.dir("photos", 0755).file("photos/a.jpg", bytes("a\n"), 0644, 0, 0, Instant.EPOCH);
        await().atMost(Duration.ofSeconds(5)).until(() -> names().contains("photos"));
        remote.leaveOutOfListings("photos");
        int before = remote.confirmations.size();
        await("a refresh that left the directory out").atMost(Duration.ofSeconds(5)).until(() -> {
            names();
            return remote.confirmations.size() > before;
        });
        assertEquals(List.of("keep.txt", "photos", "readme.txt"), names());
        assertEquals(List.of("a.jpg"), cache.list("/photos").stream().map(DirEntry::name).toList());
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
