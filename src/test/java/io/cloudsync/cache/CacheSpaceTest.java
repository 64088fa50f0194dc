package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading more than cache-max-size from the bucket: clean data is evicted least recently used, names stay. */
class CacheSpaceTest {

    private static final long BOUND = 1 << 20;
    private static final int FILES = 8;
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
            new Random(i).nextBytes(contents[i]);
            remote.file("f" + i, contents[i], 0644, 0, 0, Instant.parse("2024-05-06T07:08:09Z"));
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
            ByteBuffer buf = ByteBuffer.allocate(SIZE);
            while (buf.hasRemaining() && cache.read(h, buf, buf.position()) > 0) {
                // read on
            }
            return buf.array();
        } finally {
            cache.release(h);
        }
    }

    private long dataHeld() throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.walk(tmp.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                var remoteState = Placeholders.remoteFile(f);
                total += remoteState.isPresent()
                        ? remoteState.get().present().ranges().stream().mapToLong(r -> r[1] - r[0]).sum()
                        : Files.size(f);
            }
        }
        return total;
    }

    @Test
    void readingTwiceTheBoundKeepsTheCacheUnderItAndEveryByteRight() throws IOException {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < FILES; i++) {
                assertArrayEquals(contents[i], readAll("/f" + i), "f" + i + " in round " + round);
                assertTrue(dataHeld() <= BOUND, "the cache holds " + dataHeld() + " bytes, more than " + BOUND);
            }
        }
        assertEquals(FILES, cache.list("/").size(), "evicted files keep their names");
        assertEquals(SIZE, cache.attributes("/f0").size(), "and their sizes");
        assertEquals(Instant.parse("2024-05-06T07:08:09Z"), cache.attributes("/f0").modifiedTime(), "and their mtimes");
    }

    @Test
    void whatAnOpenHandleFetchedAndHasNotRecordedCountsAgainstTheBound() throws IOException {
        long h = cache.open("/f0", Set.of(StandardOpenOption.READ));
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        while (buf.hasRemaining() && cache.read(h, buf, buf.position()) > 0) {
            // read all of f0 through a handle that stays open: its ranges are noted, not yet recorded
        }
        assertArrayEquals(contents[0], buf.array());
        for (int i = 1; i < FILES; i++) {
            // in small reads, so each fetch reserves little and the cache fills up close to the bound
            long other = cache.open("/f" + i, Set.of(StandardOpenOption.READ));
            ByteBuffer all = ByteBuffer.allocate(SIZE);
            for (int off = 0; off < SIZE; off += 16 * 1024) {
                cache.read(other, all.slice(off, Math.min(16 * 1024, SIZE - off)), off);
            }
            cache.release(other);
            assertArrayEquals(contents[i], all.array(), "f" + i);
            assertTrue(dataHeld() + SIZE <= BOUND, "the cache holds " + dataHeld() + " recorded bytes and " + SIZE
                    + " fetched through the open handle, more than " + BOUND);
        }
        cache.release(h);
    }

    @Test
    void aFetchNobodyWaitsForGetsNoRoomWhenOnlyUploadsCouldMakeItAndDoesNotWait() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("other-cache"));
        Files.write(dir.resolve("not-uploaded"), new byte[(int) (BOUND - 64 * 1024)]);
        RemoteContent content = new RemoteContent(RemoteTree.NONE, new OpenFiles(), null);
        CacheSpace space = new CacheSpace(new CachePaths(dir), BOUND, () -> p -> false, () -> true, content);
        assertFalse(space.tryReserve(256 * 1024), "no room without an upload: the fetch ahead is skipped");
        space.reserve(16 * 1024); // what fits is still given
        space.done(16 * 1024);
    }

    @Test
    void aFileChangedLocallyIsNeverEvicted() throws IOException {
        long h = cache.open("/f1", Set.of(StandardOpenOption.WRITE));
        cache.write(h, ByteBuffer.wrap(new byte[] {42}), 0);
        cache.release(h);
        assertFalse(cache.evict("/f1"), "dirty: its change waits in the journal");
        readAll("/f2");
        assertTrue(cache.evict("/f2"), "clean: it equals its version in the bucket");
        assertArrayEquals(contents[2], readAll("/f2"), "fetched again after eviction");
        assertEquals(42, Files.readAllBytes(tmp.resolve("data/f1"))[0]);
    }

    @Test
    void readingMoreDistinctFilesThanItTracksKeepsTheAccessOrderBoundedAndForgetsTheOldest() {
        CacheSpace space = new CacheSpace(new CachePaths(tmp.resolve("other")), BOUND, () -> p -> false, () -> false,
                null, 10);
        for (int i = 0; i < 1000; i++) {
            space.touched("file-" + i);
            assertTrue(space.trackedPaths() <= 11, "tracked " + space.trackedPaths() + " paths after " + (i + 1));
        }
        assertTrue(space.trackedPaths() >= 5, "the newest half stays: " + space.trackedPaths());
    }
}
