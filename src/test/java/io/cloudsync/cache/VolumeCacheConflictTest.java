package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume's side of a conflict the uploader resolved in the bucket: the local file moves to the conflict name
 * with its open handles, and the name becomes a placeholder of the other tool's version.
 */
class VolumeCacheConflictTest {

    private static final String CONFLICT = "notes.conflict-20260102-030405.txt";

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    VolumeCache cache;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        remote = new FakeRemoteTree().file("notes.txt", bytes("hello\n"), 0644, 0, 0, Instant.EPOCH);
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String read(long h) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        cache.read(h, buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    private String read(String path) throws IOException {
        long h = cache.open(path, Set.of(StandardOpenOption.READ));
        try {
            return read(h);
        } finally {
            cache.release(h);
        }
    }

    @Test
    void theLocalVersionMovesToTheConflictNameWithItsHandlesAndTheNameShowsTheOtherVersion() throws IOException {
        long w = cache.open("/notes.txt", Set.of(StandardOpenOption.WRITE));
        cache.write(w, ByteBuffer.wrap(bytes("ours\n")), 6);
        cache.release(w);
        long open = cache.open("/notes.txt", Set.of(StandardOpenOption.READ));
        int journaled = journal.pending().size();

        remote.replace("notes.txt", bytes("theirs\n"));
        RemoteEntry theirs = remote.list("", Map.of()).stream().filter(e -> e.name().equals("notes.txt"))
                .findFirst().orElseThrow();
        var ours = Files.readAttributes(tmp.resolve("data/notes.txt"), BasicFileAttributes.class);
        cache.keepConflict("notes.txt", CONFLICT, "our-upload", ours.size(), ours.lastModifiedTime().toInstant(),
                theirs);

        assertEquals(List.of(CONFLICT, "notes.txt"), cache.list("/").stream().map(DirEntry::name).sorted().toList());
        assertEquals("theirs\n", read("/notes.txt"), "the name is the other tool's version, fetched when read");
        assertEquals("hello\nours\n", read("/" + CONFLICT));
        assertEquals("hello\nours\n", read(open), "an open handle stays with the local version");
        cache.release(open);
        assertEquals(journaled, journal.pending().size(), "nothing to upload: the bucket already looks like this");
        assertEquals(List.of(), journal.pending().stream().map(JournalEntry::mutation)
                .filter(m -> m.path().contains("conflict")).toList());
    }
}
