package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache over a bucket that already holds data (a fake bucket): directories are listed when first looked at,
 * placeholders fetch only what is read, and a change fetches the rest first. Needs user xattrs on the temp
 * filesystem and root for the owners (as the FUSE tests do).
 */
class VolumeCacheRemoteTest {

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;
    byte[] big;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        big = new byte[16 << 20];
        new Random(1).nextBytes(big);
        remote = new FakeRemoteTree()
                .file("readme.txt", "hello\n".getBytes(), 0600, 1000, 1001, Instant.parse("2024-01-02T03:04:05Z"))
                .dir("photos", 0750)
                .file("photos/big.bin", big, 0644, 0, 0, Instant.EPOCH)
                .dir("photos/2024", 0755)
                .file("photos/2024/a.jpg", "jpeg".getBytes(), 0644, 0, 0, Instant.EPOCH)
                .symlink("latest", "photos/2024/a.jpg");
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    @Test
    void theRootShowsWhatTheBucketHoldsWithItsAttributesAndNothingIsJournaled() throws IOException {
        List<String> names = cache.list("/").stream().map(DirEntry::name).sorted().toList();
        assertEquals(List.of("latest", "photos", "readme.txt"), names);
        NodeAttributes readme = cache.attributes("/readme.txt");
        assertEquals(0100600, readme.mode());
        assertEquals(1000, readme.uid());
        assertEquals(1001, readme.gid());
        assertEquals(6, readme.size());
        assertEquals(Instant.parse("2024-01-02T03:04:05Z"), readme.modifiedTime());
        assertEquals(040750, cache.attributes("/photos").mode());
        assertEquals("photos/2024/a.jpg", cache.readlink("/latest"));
        assertEquals(List.of(""), remote.listings, "only the root was listed");
        assertEquals(List.<JournalEntry>of(), journal.pending(), "the bucket's state is not a change to upload");
    }

    @Test
    void aDeepPathListsEachAncestorOnceAndOnlyThose() throws IOException {
        assertEquals(4, cache.attributes("/photos/2024/a.jpg").size());
        cache.attributes("/photos/2024/a.jpg");
        assertEquals(List.of("", "photos", "photos/2024"), remote.listings);
    }

    @Test
    void readingTheFirstMebibyteOfALargeFileFetchesAboutThatMuch() throws IOException {
        long h = cache.open("/photos/big.bin", Set.of(StandardOpenOption.READ));
        ByteBuffer buf = ByteBuffer.allocate(128 * 1024);
        byte[] first = new byte[1 << 20];
        for (int off = 0; off < first.length; off += buf.capacity()) {
            buf.clear();
            cache.read(h, buf, off);
            buf.flip();
            buf.get(first, off, buf.remaining());
        }
        cache.release(h);
        assertArrayEquals(java.util.Arrays.copyOf(big, 1 << 20), first);
        long fetched = remote.fetchedBytes.get();
        assertTrue(fetched >= (1 << 20) && fetched <= (3 << 20), "fetched " + fetched + " bytes to read 1 MiB of 16");
        assertTrue(Files.size(tmp.resolve("data/photos/big.bin")) == big.length, "the placeholder keeps its size");
    }

    @Test
    void aWriteToAPlaceholderFetchesTheRestFirstSoNothingOfTheBucketsBytesIsLost() throws IOException {
        long h = cache.open("/photos/big.bin", Set.of(StandardOpenOption.WRITE));
        cache.write(h, ByteBuffer.wrap("PATCH".getBytes()), 100);
        cache.release(h);
        byte[] expected = big.clone();
        System.arraycopy("PATCH".getBytes(), 0, expected, 100, 5);
        assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("data/photos/big.bin")));
        assertEquals(new Mutation.FileChanged("photos/big.bin"), journal.pending().getLast().mutation());
    }

    @Test
    void aRenamedDirectoryTakesItsUnlistedContentAlongAndItsPlaceholdersStillRead() throws IOException {
        cache.rename("/photos", "/pictures", false);
        assertEquals(List.of("2024", "big.bin"), cache.list("/pictures").stream().map(DirEntry::name).sorted().toList());
        assertEquals(List.of("a.jpg"), cache.list("/pictures/2024").stream().map(DirEntry::name).toList());
        long h = cache.open("/pictures/2024/a.jpg", Set.of(StandardOpenOption.READ));
        ByteBuffer buf = ByteBuffer.allocate(16);
        cache.read(h, buf, 0);
        cache.release(h);
        assertEquals("jpeg", new String(buf.array(), 0, buf.position()));
    }

    @Test
    void aDirectoryWhoseBucketChildrenAreUnlistedIsNotEmpty() {
        assertThrows(DirectoryNotEmptyException.class, () -> cache.rmdir("/photos/2024"));
    }

    @Test
    void completeForUploadFillsAPlaceholder() throws IOException {
        cache.list("/");
        cache.completeForUpload("readme.txt");
        assertEquals("hello\n", Files.readString(tmp.resolve("data/readme.txt")));
        assertEquals(6, remote.fetchedBytes.get());
    }

    @Test
    void aPlaceholderWhoseObjectWasReplacedFailsToReadRatherThanMixVersions() throws IOException {
        cache.list("/");
        remote.replace("readme.txt", "other\n".getBytes());
        long h = cache.open("/readme.txt", Set.of(StandardOpenOption.READ));
        assertThrows(RemoteContentChanged.class, () -> cache.read(h, ByteBuffer.allocate(6), 0));
        cache.release(h);
    }
}
