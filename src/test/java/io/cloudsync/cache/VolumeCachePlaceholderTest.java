package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Placeholders of files listed from a (fake) bucket: they take no disk space, a truncate keeps the bucket's bytes
 * below the new size, O_TRUNC and truncate to 0 fetch nothing, and bucket names that cannot be file names are left
 * out of the volume.
 */
class VolumeCachePlaceholderTest {

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;
    byte[] big;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        big = new byte[4 << 20];
        new Random(9).nextBytes(big);
        remote = new FakeRemoteTree()
                .file("big.bin", big, 0644, 0, 0, Instant.EPOCH)
                .file("other.bin", big, 0644, 0, 0, Instant.EPOCH);
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private long allocatedBlocks(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return Long.parseLong(out);
    }

    @Test
    void aListedFileHasItsSizeButItsDataTakesNoDiskSpace() throws Exception {
        cache.list("/");
        assertEquals(big.length, cache.attributes("/big.bin").size());
        long allocated = allocatedBlocks(tmp.resolve("data/big.bin")) * 512;
        assertTrue(allocated <= 4096, "a placeholder is a hole (at most a block of extended attributes): " + allocated);
        assertEquals(0, remote.fetchedBytes.get());
    }

    @Test
    void truncateToASizeAboveZeroKeepsTheBucketsBytesBelowIt() throws IOException {
        cache.list("/");
        cache.truncate("/big.bin", 1000);
        assertArrayEquals(Arrays.copyOf(big, 1000), Files.readAllBytes(tmp.resolve("data/big.bin")));
    }

    @Test
    void openWithTruncateAndTruncateToZeroFetchNothing() throws IOException {
        cache.list("/");
        cache.release(cache.open("/big.bin", Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)));
        cache.truncate("/other.bin", 0);

        assertEquals(0, remote.fetchedBytes.get(), "nothing of the bucket's bytes is needed");
        assertEquals(0, Files.size(tmp.resolve("data/big.bin")));
        assertEquals(0, Files.size(tmp.resolve("data/other.bin")));
    }

    @Test
    void bucketNamesThatCannotBeFileNamesAreLeftOut() throws IOException {
        String longest = "n".repeat(255);
        remote.file(".", new byte[1], 0644, 0, 0, Instant.EPOCH)
                .file("..", new byte[1], 0644, 0, 0, Instant.EPOCH)
                .file("", new byte[1], 0644, 0, 0, Instant.EPOCH)
                .file("n".repeat(256), new byte[1], 0644, 0, 0, Instant.EPOCH)
                .file(longest, new byte[1], 0644, 0, 0, Instant.EPOCH);
        List<String> names = cache.list("/").stream().map(DirEntry::name).sorted().toList();
        assertEquals(List.of("big.bin", longest, "other.bin"), names);
    }

    @Test
    void aPlaceholderWhoseObjectWasDeletedFailsToReadRatherThanShowHoles() throws IOException {
        cache.list("/");
        remote.delete("big.bin");
        long h = cache.open("/big.bin", Set.of(StandardOpenOption.READ));
        try {
            IOException e = assertThrows(IOException.class, () -> cache.read(h, java.nio.ByteBuffer.allocate(4096), 0));
            assertTrue(e instanceof RemoteContentChanged, "an I/O error (EIO), not zeros: " + e);
        } finally {
            cache.release(h);
        }
    }
}
