package io.cloudsync.cache;

import io.cloudsync.journal.Mutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.cloudsync.cache.CacheFixture.changed;
import static io.cloudsync.cache.CacheFixture.created;
import static io.cloudsync.cache.CacheFixture.dirChanged;
import static io.cloudsync.cache.CacheFixture.renamed;
import static io.cloudsync.cache.CacheFixture.dirCreated;
import static io.cloudsync.cache.CacheFixture.dirRemoved;
import static io.cloudsync.cache.CacheFixture.removed;
import static io.cloudsync.cache.CacheFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The namespace of a volume cache: each change happens in the cache directory and is journaled as the uploader needs. */
class VolumeCacheTreeTest {

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

    private void file(String rel, String content) throws IOException {
        Path p = f.dataDir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void mkdirAndRmdirAreJournaled() throws IOException {
        cache.mkdir("/d", 0750, null);
        assertEquals(0750, cache.attributes("/d").permissions());
        assertEquals(NodeType.DIRECTORY, cache.attributes("/d").type());
        cache.rmdir("/d");

        assertFalse(Files.exists(f.dataDir.resolve("d")));
        assertEquals(List.of(dirCreated("d"), dirRemoved("d")), f.recorded());
    }

    @Test
    void rmdirOfANonEmptyDirectoryOrAFileFails() throws IOException {
        file("d/f", "x");
        assertThrows(DirectoryNotEmptyException.class, () -> cache.rmdir("/d"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> cache.rmdir("/d/f"));
        assertEquals("Not a directory", e.getReason());
        assertThrows(NoSuchFileException.class, () -> cache.rmdir("/nothing"));
        assertEquals(List.of(), f.recorded());
    }

    @Test
    void unlinkRemovesAFileButNotADirectory() throws IOException {
        file("f", "x");
        Files.createDirectory(f.dataDir.resolve("d"));
        cache.unlink("/f");
        FileSystemException e = assertThrows(FileSystemException.class, () -> cache.unlink("/d"));
        assertEquals("Is a directory", e.getReason());
        assertThrows(NoSuchFileException.class, () -> cache.unlink("/f"));

        assertEquals(List.of(removed("f")), f.recorded());
    }

    @Test
    void renameOfAFileIsOneRenameRecord() throws IOException {
        file("a.txt", "content");
        cache.rename("/a.txt", "/b.txt", false);

        assertEquals("content", Files.readString(f.dataDir.resolve("b.txt")));
        assertFalse(Files.exists(f.dataDir.resolve("a.txt")));
        assertEquals(List.of(renamed("a.txt", "b.txt", false)), f.recorded());
    }

    @Test
    void renameReplacesAnExistingFileUnlessAskedNotTo() throws IOException {
        file("a", "new");
        file("b", "old");
        assertThrows(FileAlreadyExistsException.class, () -> cache.rename("/a", "/b", true));
        cache.rename("/a", "/b", false);

        assertEquals("new", Files.readString(f.dataDir.resolve("b")));
        assertEquals(List.of(renamed("a", "b", false)), f.recorded());
    }

    @Test
    void anOpenHandleFollowsItsFileThroughRenames() throws IOException {
        Files.createDirectory(f.dataDir.resolve("d"));
        long h = cache.create("/d/open.txt", 0644, null, Set.of());
        cache.rename("/d/open.txt", "/d/moved.txt", false);
        cache.rename("/d", "/e", false);
        cache.write(h, utf8("written after the renames"), 0);
        cache.release(h);

        assertEquals("written after the renames", Files.readString(f.dataDir.resolve("e/moved.txt")));
        assertEquals(changed("e/moved.txt"), f.recorded().getLast());
    }

    @Test
    void renameOfADirectoryIsOneRenameRecordWhateverItHolds() throws IOException {
        file("src/top.txt", "1");
        file("src/sub/deep.txt", "2");
        Files.createDirectories(f.dataDir.resolve("src/sub/empty"));
        cache.rename("/src", "/dst", false);

        assertEquals("2", Files.readString(f.dataDir.resolve("dst/sub/deep.txt")));
        assertTrue(Files.isDirectory(f.dataDir.resolve("dst/sub/empty")));
        assertEquals(List.of(renamed("src", "dst", true)), f.recorded(),
                "one record: a crash can never leave half a directory rename in the journal");
    }

    @Test
    void aFileUnlinkedWhileOpenLeavesTheVolumeAtOnceAndIsNeverJournaledAgain() throws IOException {
        long h = cache.create("/busy", 0644, null, Set.of());
        cache.release(h);
        h = cache.open("/busy", Set.of(java.nio.file.StandardOpenOption.WRITE));
        cache.hideOpenFile("/busy", "/.fuse_hidden0001");
        cache.write(h, utf8("still writable"), 0);
        cache.chmod("/.fuse_hidden0001", 0600);
        cache.release(h);
        cache.unlink("/.fuse_hidden0001");

        assertEquals(List.of(created("busy"), removed("busy")), f.recorded());
        assertFalse(Files.exists(f.dataDir.resolve(".fuse_hidden0001")));
    }

    @Test
    void attributeChangesAreJournaledForFilesAndAsMarkersForDirectories() throws IOException {
        file("f", "x");
        Files.createDirectory(f.dataDir.resolve("d"));
        cache.chown("/f", 1000, -1); // before chmod: a chown clears set-uid, as on any Linux filesystem
        cache.chmod("/f", 04755);
        cache.chmod("/d", 0700);
        Instant t = Instant.parse("2001-02-03T04:05:06.123456789Z");
        cache.setTimes("/f", t, t);
        cache.setTimes("/f", null, t); // the same time again changes nothing
        cache.chmod("/", 0755);

        NodeAttributes a = cache.attributes("/f");
        assertEquals(04755, a.permissions());
        assertEquals(1000, a.uid());
        assertEquals(t, a.modifiedTime());
        assertEquals(t, a.accessTime());
        assertEquals(List.of(changed("f"), changed("f"), dirChanged("d"), changed("f")), f.recorded(),
                "the root has no object: its chmod is not journaled");
    }

    @Test
    void aChmodOrChownToWhatTheNodeAlreadyHasIsNotJournaled() throws IOException {
        file("f", "x");
        Files.createDirectory(f.dataDir.resolve("d"));
        for (String node : List.of("/f", "/d")) {
            NodeAttributes a = cache.attributes(node);
            cache.chmod(node, a.mode()); // the type bits come along, as FUSE passes them
            cache.chown(node, a.uid(), a.gid());
            cache.chown(node, -1, a.gid());
        }
        assertEquals(List.of(), f.recorded(), "SQLite's chown of each new journal to its own owner costs no upload");
        cache.chown("/f", 1000, -1);
        assertEquals(List.of(changed("f")), f.recorded());
    }

    @Test
    void truncateByPathCutsAndExtends() throws IOException {
        file("t", "abcdef");
        cache.truncate("/t", 2);
        assertEquals("ab", Files.readString(f.dataDir.resolve("t")));
        cache.truncate("/t", 4);
        assertEquals(4, cache.attributes("/t").size());
        assertEquals(List.of(changed("t"), changed("t")), f.recorded());
    }

    @Test
    void symlinksAreCreatedWithTheirTargetAsContent() throws IOException {
        cache.symlink("/link", "../outside/target", new Owner(1234, 1234));

        assertEquals("../outside/target", cache.readlink("/link"));
        NodeAttributes a = cache.attributes("/link");
        assertEquals(NodeType.SYMLINK, a.type());
        assertEquals(1234, a.uid());
        assertEquals(List.of(created("link")), f.recorded());
    }

    @Test
    void specialFilesAreRealNodesWhoseChangesNeverOpenThem() throws IOException {
        cache.mknod("/pipe", 0010640, 0, new Owner(1234, 4321));
        NodeAttributes pipe = cache.attributes("/pipe");
        assertEquals(NodeType.FIFO, pipe.type());
        assertEquals(0640, pipe.permissions());
        assertEquals(1234, pipe.uid());
        assertEquals(4321, pipe.gid());
        // Each of these would block for good if it opened the FIFO (there is no writer).
        cache.chmod("/pipe", 0600);
        cache.setTimes("/pipe", null, Instant.parse("2001-02-03T04:05:06Z"));
        assertThrows(FileSystemException.class, () -> cache.truncate("/pipe", 0), "truncate(2) answers EINVAL");
        cache.rename("/pipe", "/moved", false);
        assertEquals(0600, cache.attributes("/moved").permissions());
        assertEquals(Instant.parse("2001-02-03T04:05:06Z"), cache.attributes("/moved").modifiedTime());
        cache.unlink("/moved");

        cache.mknod("/null", 0020666, 0x103, null);
        assertEquals(NodeType.CHARACTER_DEVICE, cache.attributes("/null").type());
        assertEquals(0x103, cache.attributes("/null").rdev());
        assertThrows(FileSystemException.class, () -> cache.mknod("/regular", 0100644, 0, null),
                "regular files come through create");
        assertEquals(List.of(created("pipe"), changed("pipe"), changed("pipe"), renamed("pipe", "moved", false),
                removed("moved"), created("null")), f.recorded());
    }

    @Test
    void listingGivesEveryChildWithItsAttributes() throws IOException {
        file("d/a", "1");
        file("d/b", "22");
        Files.createDirectory(f.dataDir.resolve("d/c"));

        List<DirEntry> entries = cache.list("/d");
        assertEquals(Set.of("a", "b", "c"), Set.copyOf(entries.stream().map(DirEntry::name).toList()));
        DirEntry b = entries.stream().filter(e -> e.name().equals("b")).findFirst().orElseThrow();
        assertEquals(2, b.attributes().size());
    }

    @Test
    void pathsCannotEscapeTheCacheDirectory() {
        assertThrows(InvalidPathException.class, () -> cache.attributes("/../etc/passwd"));
        assertThrows(InvalidPathException.class, () -> cache.contentPath("a/../../etc"));
        assertThrows(InvalidPathException.class, () -> cache.mkdir("/a//b", 0755, null));
        assertThrows(InvalidPathException.class, () -> cache.unlink("/"));
        assertEquals(f.dataDir.resolve("a/b.txt"), cache.contentPath("a/b.txt"));
        assertEquals(f.dataDir.resolve("a/b.txt"), cache.contentPath("/a/b.txt"));
    }

    @Test
    void statfsReportsTheRealSpaceOfTheCacheFilesystem() throws IOException {
        SpaceUsage s = cache.space();
        assertTrue(s.blockSize() > 0);
        assertTrue(s.totalBytes() > 0);
        assertTrue(s.availableBytes() <= s.freeBytes() && s.freeBytes() <= s.totalBytes());
    }
}
