package io.cloudsync.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cache-max-size with files from a (fake) bucket and files written here: which clean file goes first, what an
 * evicted file keeps, that open files stay, and what a writer meets when data not yet uploaded fills the bound.
 */
class CacheEvictionTest {

    private static final long BOUND = 1 << 20;
    private static final int FILES = 4;
    private static final int SIZE = 300 * 1024;

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;
    byte[][] contents = new byte[FILES][];

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        remote = new FakeRemoteTree();
        for (int i = 0; i < FILES; i++) {
            contents[i] = new byte[SIZE];
            new Random(100 + i).nextBytes(contents[i]);
            remote.file("f" + i, contents[i], 0640, 1000, 1001, Instant.parse("2024-05-06T07:08:09Z"));
        }
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote, Duration.ZERO, BOUND);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private byte[] readAll(String path) throws IOException {
        long h = cache.open(path, Set.of(StandardOpenOption.READ));
        try {
            return readAll(h);
        } finally {
            cache.release(h);
        }
    }

    private byte[] readAll(long h) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        while (buf.hasRemaining() && cache.read(h, buf, buf.position()) > 0) {
            // read on
        }
        return buf.array();
    }

    /** The bytes fetched from the bucket to read {@code path} whole. */
    private long fetchedToRead(int i) throws IOException {
        long before = remote.fetchedBytes.get();
        assertArrayEquals(contents[i], readAll("/f" + i));
        return remote.fetchedBytes.get() - before;
    }

    @Test
    void theLeastRecentlyReadFileIsEvictedFirst() throws IOException {
        fetchedToRead(0);
        fetchedToRead(1);
        fetchedToRead(2);
        assertEquals(0, fetchedToRead(0), "f0 is whole in the cache and now the most recently read");

        fetchedToRead(3); // does not fit beside the three: one file must go

        assertEquals(0, fetchedToRead(0), "f0 was read after f1 and stays");
        assertEquals(0, fetchedToRead(2), "f2 was read after f1 and stays");
        assertEquals(SIZE, fetchedToRead(1), "f1, least recently read, was evicted and is fetched again");
    }

    @Test
    void anOpenFileIsNotEvicted() throws IOException {
        long open = cache.open("/f0", Set.of(StandardOpenOption.READ));
        assertArrayEquals(contents[0], readAll(open));
        for (int round = 0; round < 2; round++) {
            for (int i = 1; i < FILES; i++) {
                fetchedToRead(i);
            }
        }
        cache.release(open);
        assertEquals(0, fetchedToRead(0), "f0, least recently read but open all the time, is still whole");
    }

    @Test
    void anEvictedFileKeepsItsNameSizeModeOwnerAndMtime() throws IOException {
        readAll("/f0");
        NodeAttributes before = cache.attributes("/f0");
        assertTrue(cache.evict("/f0"));
        NodeAttributes after = cache.attributes("/f0");
        assertEquals(before.size(), after.size());
        assertEquals(0640, after.permissions());
        assertEquals(1000, after.uid());
        assertEquals(1001, after.gid());
        assertEquals(before.modifiedTime(), after.modifiedTime());
        assertEquals(SIZE, fetchedToRead(0), "its bytes are fetched again when read");
    }

    @Test
    void aWriteBeyondTheBoundWithNothingWaitingForUploadGetsEnospcAtOnce() throws IOException {
        long h = cache.create("/huge.bin", 0644, null, Set.of());
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long[] written = {0};
        FileSystemException full = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(FileSystemException.class, () -> {
                    while (written[0] < 4 * BOUND) {
                        written[0] += cache.write(h, chunk.clear(), written[0]);
                    }
                }), "no waiting: nothing could make room");
        assertEquals("No space left on device", full.getReason());
        assertTrue(written[0] <= BOUND, "the bound was overshot: " + written[0]);
        cache.release(h);
    }

    @Test
    void aWriterWaitsWhileDataNotYetUploadedFillsTheBoundAndGoesOnOnceItIsUploaded() throws Exception {
        byte[] first = new byte[(int) (BOUND * 8 / 10)];
        long h = cache.create("/first.bin", 0644, null, Set.of());
        cache.write(h, ByteBuffer.wrap(first), 0);
        cache.release(h); // journaled: waiting for its upload
        JournalEntry waiting = journal.pending().getLast();

        long second = cache.create("/second.bin", 0644, null, Set.of());
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return cache.write(second, ByteBuffer.allocate((int) (BOUND * 4 / 10)), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await("the writer stays blocked").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !writer.isDone());

        // What the uploader does when the upload is done: the file equals the bucket, its record is complete.
        var a = Files.readAttributes(tmp.resolve("data/first.bin"), java.nio.file.attribute.BasicFileAttributes.class);
        cache.recordUploaded("first.bin", "v1", a.size(), a.lastModifiedTime().toInstant());
        journal.complete(waiting.seq());

        assertEquals((int) (BOUND * 4 / 10), writer.get(10, java.util.concurrent.TimeUnit.SECONDS));
        cache.release(second);
        assertEquals(first.length, cache.attributes("/first.bin").size(), "the uploaded file was evicted, its name stays");
    }
}
