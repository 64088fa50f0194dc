package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.cloudsync.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a placeholder is filled by reads (a fake bucket): what a handle fetched is recorded in the placeholder only
 * when the handle closes, after one force, so a crash before that fetches it again rather than reading holes as
 * data; each byte is fetched once per handle; read-ahead keeps growing while the kernel's reads arrive a little out
 * of order, and starts small after a seek; a streaming reader has its next window fetched in the background.
 */
class VolumeCacheFetchTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;
    byte[] big;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        big = new byte[48 * MIB];
        new Random(5).nextBytes(big);
        remote = new FakeRemoteTree().file("big.bin", big, 0644, 0, 0, Instant.parse("2024-03-04T05:06:07Z"));
        cache = newCache();
    }

    private VolumeCache newCache() throws IOException {
        Path data = tmp.resolve("data");
        if (!Files.exists(data)) {
            VolumeCache.markRootUnlisted(data);
        }
        return new VolumeCache(data, journal, false, remote);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private Path placeholder() {
        return tmp.resolve("data/big.bin");
    }

    private RangeSet recorded() throws IOException {
        return Placeholders.remoteFile(placeholder()).map(Placeholders.RemoteFile::present).orElseThrow();
    }

    private byte[] read(VolumeCache c, long handle, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining() && c.read(handle, buf, offset + buf.position()) > 0) {
            // read on
        }
        return buf.array();
    }

    private byte[] expected(long offset, int length) {
        return Arrays.copyOfRange(big, (int) offset, (int) offset + length);
    }

    @Test
    void fetchedRangesAreRecordedWhenTheHandleClosesAndNeverFetchedTwice() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        assertArrayEquals(expected(0, MIB), read(cache, h, 0, MIB));
        long fetched = remote.fetchedBytes.get();
        assertTrue(fetched >= MIB, "fetched " + fetched);
        assertEquals(List.of(), recorded().ranges(), "nothing is recorded before the file is forced");
        assertArrayEquals(expected(0, MIB), read(cache, h, 0, MIB));
        assertEquals(fetched, remote.fetchedBytes.get(), "the handle reads what it fetched without fetching again");

        cache.release(h);
        assertTrue(recorded().missing(0, MIB).isEmpty(), "recorded at close: " + recorded().format());
        long again = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        assertArrayEquals(expected(0, MIB), read(cache, again, 0, MIB));
        cache.release(again);
        assertEquals(fetched, remote.fetchedBytes.get(), "another handle finds it recorded");
    }

    @Test
    void aCrashBeforeTheCloseForgetsTheFetchedRangesAndFetchesThemAgain() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        read(cache, h, 0, 2 * MIB);
        long fetched = remote.fetchedBytes.get();
        // The plugin dies here: the handle is never released. A new cache over the same directory is the restart.
        VolumeCache restarted = newCache();
        assertEquals(List.of(), recorded().ranges(), "the placeholder claims no byte");
        long h2 = restarted.open("/big.bin", Set.of(StandardOpenOption.READ));
        assertArrayEquals(expected(0, 2 * MIB), read(restarted, h2, 0, 2 * MIB));
        assertTrue(remote.fetchedBytes.get() >= fetched + 2 * MIB, "fetched again after the restart");
        restarted.release(h2);
        cache.release(h);
    }

    @Test
    void aFileReadWholeIsCompleteOnceClosedAndEachByteWasFetchedOnce() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < big.length; off += MIB) {
            assertArrayEquals(expected(off, MIB), read(cache, h, off, MIB), "at " + off);
        }
        cache.release(h);
        assertEquals(big.length, remote.fetchedBytes.get());
        assertTrue(Placeholders.remoteFile(placeholder()).isEmpty(), "complete: no placeholder any more");
        assertArrayEquals(big, Files.readAllBytes(placeholder()));
    }

    @Test
    void aChangeAfterAPartialReadFetchesOnlyTheRestAndTheFileIsCompleteAtOnce() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        read(cache, h, 0, MIB);
        cache.write(h, ByteBuffer.wrap("PATCH".getBytes()), 100);
        assertTrue(Placeholders.remoteFile(placeholder()).isEmpty(), "completed before the write");
        assertEquals(big.length, remote.fetchedBytes.get(), "the bytes fetched for the read are not fetched again");
        cache.release(h);
        byte[] want = big.clone();
        System.arraycopy("PATCH".getBytes(), 0, want, 100, 5);
        assertArrayEquals(want, Files.readAllBytes(placeholder()));
    }

    @Test
    void aSmallReadFetchesAQuarterMebibyteSoTheSmallReadsAfterItCostNoFetch() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        long at = 10L * MIB; // a read in the middle, as after a seek: no read-ahead yet
        assertArrayEquals(expected(at, 4096), read(cache, h, at, 4096));
        assertEquals(1, remote.fetches.get());
        long[] fetch = remote.fetchLog.getFirst();
        assertEquals(at, fetch[0]);
        assertTrue(fetch[1] >= RemoteContent.MIN_FETCH && fetch[1] <= 4096 + RemoteContent.MIN_FETCH,
                "a 4 KiB read fetched " + fetch[1] + " bytes: itself and a read-ahead of 256 KiB");
        for (long off = at + 4096; off < at + RemoteContent.MIN_FETCH; off += 4096) {
            assertArrayEquals(expected(off, 4096), read(cache, h, off, 4096), "at " + off);
        }
        assertEquals(1, remote.fetches.get(), "the next 63 small reads find their bytes fetched");
        cache.release(h);
    }

    @Test
    void aSequentialReaderWhoseReadsArriveOutOfOrderKeepsAGrowingReadAhead() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int pair = 0; pair < big.length / MIB; pair += 2) {
            // as the kernel's read-ahead requests come from several FUSE threads: 1 MiB after, then before
            long second = (long) (pair + 1) * MIB;
            long first = (long) pair * MIB;
            assertArrayEquals(expected(second, MIB), read(cache, h, second, MIB));
            assertArrayEquals(expected(first, MIB), read(cache, h, first, MIB));
        }
        cache.release(h);
        long fetches = remote.fetches.get();
        assertTrue(fetches <= 12, fetches + " fetches for 48 MiB read on sequentially (read-ahead to "
                + RemoteContent.MAX_READ_AHEAD / MIB + " MiB)");
    }

    @Test
    void theReadAheadOfALongSequentialReadStopsGrowingAt32Mebibytes() throws IOException {
        byte[] huge = new byte[112 * MIB];
        new Random(6).nextBytes(huge);
        remote.file("huge.bin", huge, 0644, 0, 0, Instant.parse("2024-03-04T05:06:07Z"));
        long h = cache.open("/huge.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < huge.length; off += MIB) {
            assertArrayEquals(Arrays.copyOfRange(huge, off, off + MIB), read(cache, h, off, MIB), "at " + off);
        }
        cache.release(h);
        long largest = remote.fetchLog.stream().mapToLong(f -> f[1]).max().orElseThrow();
        assertTrue(largest >= 16L * MIB && largest <= 33L * MIB,
                "the largest fetch of a 112 MiB sequential read was " + largest + " bytes: 32 MiB of read-ahead at most");
        assertEquals(huge.length, remote.fetchedBytes.get(), "each byte fetched once");
    }

    @Test
    void rangesRecordedAtCloseAreNotFetchedAgainAfterARestart() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        read(cache, h, 0, 2 * MIB);
        cache.release(h);
        long fetched = remote.fetchedBytes.get();

        VolumeCache restarted = newCache();
        long h2 = restarted.open("/big.bin", Set.of(StandardOpenOption.READ));
        assertArrayEquals(expected(0, 2 * MIB), read(restarted, h2, 0, 2 * MIB));
        restarted.release(h2);
        assertEquals(fetched, remote.fetchedBytes.get(), "what was recorded before the restart is read from the cache");
    }

    @Test
    void aSeekStartsTheReadAheadSmallAgain() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < 16 * MIB; off += MIB) {
            read(cache, h, off, MIB);
        }
        long far = 44L * MIB; // beyond what was read ahead
        assertArrayEquals(expected(far, 4096), read(cache, h, far, 4096));
        long[] forTheSeek = remote.fetchLog.stream().filter(f -> f[0] == far).findFirst().orElseThrow();
        assertTrue(forTheSeek[1] <= RemoteContent.MIN_FETCH + 4096, "a 4 KiB read after a seek fetched " + forTheSeek[1]);
        cache.release(h);
    }

    @Test
    void readAheadIsAtMostAQuarterOfTheCacheBound() throws IOException {
        long bound = 16L * MIB;
        VolumeCache bounded = new VolumeCache(tmp.resolve("data"), journal, false, remote, Duration.ZERO, bound);
        long h = bounded.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < 32 * MIB; off += MIB) {
            assertArrayEquals(expected(off, MIB), read(bounded, h, off, MIB), "at " + off);
        }
        bounded.release(h);
        long largest = remote.fetchLog.stream().mapToLong(f -> f[1]).max().orElseThrow();
        assertTrue(largest <= bound / 4 + MIB, "one fetch of " + largest + " bytes in a cache of " + bound);
    }

    @Test
    void aFileThreeTimesTheCacheBoundReadsWholeThroughOneHandleAndTheCacheStaysWithinTheBound() throws Exception {
        long bound = 16L * MIB;
        VolumeCache bounded = new VolumeCache(tmp.resolve("data"), journal, false, remote, Duration.ZERO, bound);
        long h = bounded.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < big.length; off += MIB) {
            assertArrayEquals(expected(off, MIB), read(bounded, h, off, MIB), "at " + off);
            if (off % (8 * MIB) == 0) {
                assertTrue(allocatedBytes(tmp.resolve("data")) <= bound + METADATA_SLACK, "over the bound at " + off);
            }
        }
        bounded.release(h);
        long after = allocatedBytes(tmp.resolve("data"));
        assertTrue(after <= bound + METADATA_SLACK, "the cache holds " + after + " bytes after the read, more than its bound");
        assertTrue(remote.fetchedBytes.get() >= big.length, "every byte came from the bucket");
    }

    /** Extended attributes and extent trees can take a few blocks st_blocks counts but the bound (file data) does not. */
    private static final long METADATA_SLACK = 64 * 1024;

    /**
     * Bytes the regular files under {@code dir} take on disk (not their sizes: placeholders are sparse); directories
     * and extended attributes are outside the bound.
     */
    private static long allocatedBytes(Path dir) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("find", dir.toString(), "-type", "f", "-exec", "stat", "-c", "%b %B", "{}", "+")
                .redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), out);
        long total = 0;
        for (String line : out.split("\n")) {
            String[] blocksAndSize = line.trim().split(" ");
            total += Long.parseLong(blocksAndSize[0]) * Long.parseLong(blocksAndSize[1]);
        }
        return total;
    }

    @Test
    void aStreamingReaderFindsTheNextWindowFetchedAheadAndEachByteIsFetchedOnce() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < 12 * MIB; off += MIB) {
            assertArrayEquals(expected(off, MIB), read(cache, h, off, MIB));
        }
        await("a window fetched ahead of the reader").atMost(Duration.ofSeconds(30))
                .until(() -> remote.fetchedBytes.get() >= 32L * MIB);
        for (int off = 12 * MIB; off < big.length; off += MIB) {
            assertArrayEquals(expected(off, MIB), read(cache, h, off, MIB), "at " + off);
        }
        cache.release(h);
        assertEquals(big.length, remote.fetchedBytes.get(), "fetched ahead and on demand, never twice");
        assertTrue(Placeholders.remoteFile(placeholder()).isEmpty(), "what was fetched ahead is recorded at close");
    }

    @Test
    void aHandleClosedWhileItsFetchAheadRunsRecordsWhatItFetched() throws IOException {
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        for (int off = 0; off < 8 * MIB; off += MIB) {
            read(cache, h, off, MIB);
        }
        cache.release(h); // waits for the fetch ahead, then records
        long fetched = remote.fetchedBytes.get();
        assertTrue(fetched > 8L * MIB, "fetched ahead: " + fetched);
        RangeSet recorded = recorded();
        long recordedBytes = recorded.ranges().stream().mapToLong(r -> r[1] - r[0]).sum();
        assertEquals(fetched, recordedBytes, "everything fetched is recorded: " + recorded.format());
    }
}
