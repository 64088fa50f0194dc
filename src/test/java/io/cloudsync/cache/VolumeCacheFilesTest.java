package io.cloudsync.cache;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;

import static io.cloudsync.cache.CacheFixture.changed;
import static io.cloudsync.cache.CacheFixture.created;
import static io.cloudsync.cache.CacheFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Open handles of a volume cache: data lands in the cache file and each dirty handle is journaled once. */
class VolumeCacheFilesTest {

    @TempDir
    Path tmp;
    CacheFixture f;
    VolumeCache cache;

    @BeforeEach
    void open() throws IOException {
        f = new CacheFixture(tmp, false);
        cache = f.cache;
    }

    @AfterEach
    void close() throws IOException {
        f.close();
    }

    private String content(String rel) throws IOException {
        return Files.readString(f.dataDir.resolve(rel));
    }

    @Test
    void aFileWrittenThroughAHandleIsJournaledOnceAtFlushNotPerWrite() throws IOException {
        long h = cache.create("/a.txt", 0644, null, Set.of());
        cache.write(h, utf8("hello "), 0);
        cache.write(h, utf8("world"), 6);
        cache.flush(h);
        cache.flush(h); // a second close of a dup'd descriptor with nothing new
        cache.release(h);

        assertEquals("hello world", content("a.txt"));
        assertEquals(List.of(created("a.txt")), f.recorded());
        assertEquals(0, cache.openFileCount());
    }

    @Test
    void anEmptyCreatedFileIsJournaledAtRelease() throws IOException {
        cache.release(cache.create("/empty", 0600, null, Set.of()));

        assertEquals(List.of(created("empty")), f.recorded());
        assertEquals(0600, cache.attributes("/empty").permissions());
    }

    @Test
    void aFileOnlyReadIsNotJournaled() throws IOException {
        Files.writeString(f.dataDir.resolve("r.txt"), "abcdef");
        long h = cache.open("/r.txt", Set.of(StandardOpenOption.READ));
        ByteBuffer buf = ByteBuffer.allocate(4);
        assertEquals(4, cache.read(h, buf, 2));
        assertEquals("cdef", new String(buf.array(), StandardCharsets.UTF_8));
        assertEquals(0, cache.read(h, ByteBuffer.allocate(4), 6), "reading at the end gives nothing");
        cache.release(h);

        assertEquals(List.of(), f.recorded());
    }

    @Test
    void openWithTruncateEmptiesTheFileAndJournalsIt() throws IOException {
        Files.writeString(f.dataDir.resolve("t.txt"), "old content");
        cache.release(cache.open("/t.txt", Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)));

        assertEquals("", content("t.txt"));
        assertEquals(List.of(changed("t.txt")), f.recorded());
    }

    @Test
    void anAppendHandleWritesAtTheEndWhateverTheOffset() throws IOException {
        Files.writeString(f.dataDir.resolve("log"), "one\n");
        long h = cache.open("/log", Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        cache.write(h, utf8("two\n"), 0);
        cache.release(h);

        assertEquals("one\ntwo\n", content("log"));
    }

    @Test
    void ftruncateShrinksAndExtendsWithZerosAndIsJournaledAtRelease() throws IOException {
        long h = cache.create("/s", 0644, null, Set.of());
        cache.write(h, utf8("abcdef"), 0);
        cache.release(h);
        h = cache.open("/s", Set.of(StandardOpenOption.WRITE));
        cache.truncate(h, 3);
        cache.truncate(h, 5);
        cache.release(h);

        assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0}, Files.readAllBytes(f.dataDir.resolve("s")));
        assertEquals(List.of(created("s"), changed("s")), f.recorded());
    }

    @Test
    void fsyncLeavesTheRecordInTheJournalOnDisk() throws IOException {
        long h = cache.create("/d.bin", 0644, null, Set.of());
        cache.write(h, utf8("durable"), 0);
        cache.fsync(h, false);

        // What a crash leaves: the journal files as they are now, opened by a fresh journal.
        Path copy = tmp.resolve("journal-copy");
        Files.createDirectories(copy);
        try (var files = Files.list(tmp.resolve("journal"))) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        try (Journal reopened = Journal.open(copy)) {
            assertEquals(List.of(created("d.bin")), reopened.pending().stream().map(JournalEntry::mutation).toList());
        }
        cache.release(h);
        assertEquals(List.of(created("d.bin")), f.recorded(), "fsync took the dirty flag: release adds nothing");
    }

    @Test
    void setTimesThroughAHandleIsJournaledWithTheHandle() throws IOException {
        long h = cache.create("/m", 0644, null, Set.of());
        cache.write(h, utf8("x"), 0);
        cache.setTimes(h, null, java.time.Instant.parse("2020-01-02T03:04:05Z"));
        cache.release(h);

        assertEquals(java.time.Instant.parse("2020-01-02T03:04:05Z"), cache.attributes("/m").modifiedTime());
        assertEquals(List.of(created("m")), f.recorded());
    }

    @Test
    void createOfAnExistingFileFails() throws IOException {
        cache.release(cache.create("/x", 0644, null, Set.of()));
        assertThrows(FileAlreadyExistsException.class, () -> cache.create("/x", 0644, null, Set.of()));
    }

    @Test
    void aNewFileGetsTheOwnerAndExactModeAskedFor() throws IOException {
        cache.release(cache.create("/owned", 0777, new Owner(1234, 5678), Set.of()));

        NodeAttributes a = cache.attributes("/owned");
        assertEquals(1234, a.uid());
        assertEquals(5678, a.gid());
        assertEquals(0777, a.permissions(), "the process umask is not applied a second time");
        assertEquals(NodeType.FILE, a.type());
    }

    @Test
    void unknownHandlesAreRefusedClearly() {
        UnknownHandleException e = assertThrows(UnknownHandleException.class, () -> cache.flush(42));
        assertTrue(e.getMessage().contains("42"));
    }

    @Test
    void handlesLeftOpenAtUnmountAreJournaledWhenClosed() throws IOException {
        long h = cache.create("/open", 0644, null, Set.of());
        cache.write(h, utf8("data"), 0);
        cache.closeOpenFiles();

        assertEquals(List.of(created("open")), f.recorded());
        assertEquals(0, cache.openFileCount());
    }

    @Test
    void aReadOnlyVolumeReadsButRefusesEveryChange(@TempDir Path other) throws IOException {
        try (CacheFixture ro = new CacheFixture(other, true)) {
            Files.writeString(ro.dataDir.resolve("r"), "data");
            VolumeCache c = ro.cache;
            long h = c.open("/r", Set.of(StandardOpenOption.READ));
            assertEquals(4, c.read(h, ByteBuffer.allocate(10), 0));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.write(h, utf8("x"), 0));
            c.release(h);
            assertThrows(ReadOnlyFileSystemException.class, () -> c.open("/r", Set.of(StandardOpenOption.WRITE)));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.create("/n", 0644, null, Set.of()));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.mkdir("/d", 0755, null));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.unlink("/r"));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.rename("/r", "/s", false));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.chmod("/r", 0600));
            assertThrows(ReadOnlyFileSystemException.class, () -> c.truncate("/r", 0));
            assertEquals("data", Files.readString(ro.dataDir.resolve("r")));
            assertEquals(List.of(), ro.recorded());
        }
    }
}
