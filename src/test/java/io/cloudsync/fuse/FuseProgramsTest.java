package io.cloudsync.fuse;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real programs on a mounted volume: what they see, what lands in the cache directory, what is journaled. */
@Tag("fuse")
class FuseProgramsTest {

    @TempDir
    Path tmp;
    MountedVolume v;

    @BeforeEach
    void mount() throws IOException {
        v = new MountedVolume(tmp, false);
    }

    @AfterEach
    void unmount() throws IOException {
        v.close();
    }

    private static Mutation changed(String p) {
        return new Mutation.FileChanged(p);
    }

    private static Mutation removed(String p) {
        return new Mutation.FileRemoved(p);
    }

    private static Mutation created(String p) {
        return new Mutation.FileCreated(p);
    }

    private static Mutation dirCreated(String p) {
        return new Mutation.DirCreated(p);
    }

    private static Mutation dirRemoved(String p) {
        return new Mutation.DirRemoved(p);
    }

    private byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void cpCopiesAFileByteForByteAndJournalsIt() throws IOException {
        Path src = tmp.resolve("src.bin");
        Files.write(src, random(3 * 1024 * 1024 + 17, 1));
        v.run("cp", src.toString(), "copy.bin");

        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(v.mnt.resolve("copy.bin")));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(v.dataDir.resolve("copy.bin")));
        assertEquals(Set.of(created("copy.bin")), Set.copyOf(v.recorded()));
    }

    @Test
    void tarExtractsANestedTreeThatDiffFindsIdentical() throws IOException {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("a/b/c"));
        Files.createDirectories(tree.resolve("empty"));
        Files.write(tree.resolve("top.bin"), random(200_000, 2));
        Files.writeString(tree.resolve("a/one.txt"), "one\n");
        Files.write(tree.resolve("a/b/two.bin"), random(5_000_000, 3));
        Files.writeString(tree.resolve("a/b/c/three.txt"), "");
        Files.createSymbolicLink(tree.resolve("a/link"), Path.of("one.txt"));
        Path archive = tmp.resolve("tree.tar");
        v.run("tar", "-cf", archive.toString(), "-C", tree.toString(), ".");

        v.run("mkdir", "x");
        v.run("tar", "-xf", archive.toString(), "-C", "x");
        v.run("diff", "-r", "--no-dereference", tree.toString(), "x");

        List<Mutation> r = v.recorded();
        assertTrue(r.containsAll(List.of(dirCreated("x"), dirCreated("x/a"), dirCreated("x/a/b"),
                dirCreated("x/a/b/c"), dirCreated("x/empty"), changed("x/top.bin"), changed("x/a/one.txt"),
                changed("x/a/b/two.bin"), changed("x/a/b/c/three.txt"), changed("x/a/link"))), r::toString);
        assertTrue(r.indexOf(dirCreated("x/a/b")) < r.indexOf(changed("x/a/b/two.bin")), r::toString);
    }

    @Test
    void ddWithConvFsyncLeavesTheRecordDurableWhenItReturns() throws IOException {
        v.run("dd", "if=/dev/urandom", "of=dd.bin", "bs=64k", "count=32", "conv=fsync");

        assertEquals(32 * 65536, Files.size(v.dataDir.resolve("dd.bin")));
        assertArrayEquals(Files.readAllBytes(v.dataDir.resolve("dd.bin")), Files.readAllBytes(v.mnt.resolve("dd.bin")));
        Path copy = tmp.resolve("journal-after-fsync");
        Files.createDirectories(copy);
        try (var files = Files.list(tmp.resolve("journal"))) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        try (Journal reopened = Journal.open(copy)) {
            assertTrue(reopened.pending().stream().map(JournalEntry::mutation).toList().contains(changed("dd.bin")));
        }
    }

    @Test
    void appendWithTheShellAddsToTheEnd() throws IOException {
        v.sh("echo one > log.txt; echo two >> log.txt; printf three >> log.txt");

        assertEquals("one\ntwo\nthree", Files.readString(v.mnt.resolve("log.txt")));
        assertEquals("one\ntwo\nthree", Files.readString(v.dataDir.resolve("log.txt")));
        assertEquals(Set.of(created("log.txt"), changed("log.txt")), Set.copyOf(v.recorded()));
    }

    @Test
    void mkdirAndRmdir() throws IOException {
        v.run("mkdir", "-p", "a/b/c");
        assertTrue(Files.isDirectory(v.dataDir.resolve("a/b/c")));
        v.run("rmdir", "a/b/c");
        MountedVolume.Result notEmpty = v.tryRun("rmdir", "a");

        assertNotEquals(0, notEmpty.exitCode());
        assertTrue(notEmpty.output().contains("Directory not empty"), notEmpty.output());
        assertFalse(Files.exists(v.dataDir.resolve("a/b/c")));
        assertEquals(List.of(dirCreated("a"), dirCreated("a/b"), dirCreated("a/b/c"), dirRemoved("a/b/c")),
                v.recorded());
    }

    @Test
    void mvOfFilesAndDirectories() throws IOException {
        // sync: the kernel writes back the mtimes it kept (writeback cache) now, not in the middle of the moves
        v.sh("echo f > f.txt && mkdir -p d/sub && echo g > d/sub/g.txt && sync");
        int before = v.recorded().size();
        v.run("mv", "f.txt", "moved.txt");
        v.run("mv", "d", "e");

        assertEquals("f\n", Files.readString(v.mnt.resolve("moved.txt")));
        assertEquals("g\n", Files.readString(v.mnt.resolve("e/sub/g.txt")));
        assertFalse(Files.exists(v.dataDir.resolve("d")));
        // without: the kernel may send the mtime it kept once more after a rename dirtied the ctime
        List<Mutation> moves = v.recorded().subList(before, v.recorded().size()).stream()
                .filter(m -> !(m instanceof Mutation.FileChanged)).toList();
        assertEquals(List.of(new Mutation.Renamed("f.txt", "moved.txt", false), new Mutation.Renamed("d", "e", true)),
                moves, "one record per rename, the whole directory included");
    }

    @Test
    void rmOfFilesAndTrees() throws IOException {
        v.sh("echo x > x && mkdir -p t/u && echo y > t/u/y");
        v.run("rm", "x");
        v.run("rm", "-r", "t");

        assertFalse(Files.exists(v.dataDir.resolve("x")));
        assertFalse(Files.exists(v.dataDir.resolve("t")));
        List<Mutation> r = v.recorded();
        assertTrue(r.containsAll(List.of(removed("x"), removed("t/u/y"), dirRemoved("t/u"), dirRemoved("t"))),
                r::toString);
    }

    @Test
    void chmodTouchAndStatSeeTheSameAttributesAsTheCacheFile() throws IOException {
        v.sh("echo data > f");
        v.run("chmod", "0640", "f");
        v.run("touch", "-d", "2001-02-03 04:05:06 UTC", "f");

        assertEquals("640 981173106 5 regular file", v.run("stat", "-c", "%a %Y %s %F", "f").strip());
        assertEquals("640 981173106", v.run("stat", "-c", "%a %Y", v.dataDir.resolve("f").toString()).strip());
        assertEquals(Set.of(created("f"), changed("f")), Set.copyOf(v.recorded()));
    }

    @Test
    void dfReportsTheSpaceOfTheCacheFilesystem() throws IOException {
        String mounted = v.run("df", "-B1", "--output=size", ".").lines().toList().getLast().strip();
        String backing = v.run("df", "-B1", "--output=size", v.dataDir.toString()).lines().toList().getLast().strip();
        assertEquals(backing, mounted);
    }

    @Test
    void symlinksKeepTheirTargetAndHardLinksAreRefusedClearly() throws IOException {
        v.sh("echo target > t.txt");
        v.run("ln", "-s", "t.txt", "link");
        assertEquals("t.txt", v.run("readlink", "link").strip());
        assertEquals("target\n", Files.readString(v.mnt.resolve("link")));
        assertTrue(Files.isSymbolicLink(v.dataDir.resolve("link")));

        MountedVolume.Result hard = v.tryRun("ln", "t.txt", "hard");
        assertNotEquals(0, hard.exitCode());
        assertTrue(hard.output().contains("Operation not permitted"), hard.output());
    }

    @Test
    void aFileRemovedWhileOpenStaysReadableAndIsJournaledAsRemovedOnly() throws IOException {
        v.sh("echo still here > busy.txt && sync");
        String out = v.sh("exec 3< busy.txt; rm busy.txt; ls -A; cat <&3");

        assertTrue(out.contains("still here"), out);
        assertFalse(Files.exists(v.mnt.resolve("busy.txt")));
        assertEquals(List.of(created("busy.txt"), changed("busy.txt"), removed("busy.txt")),
                v.recorded().stream().distinct().toList(),
                "nothing about the hidden name libfuse gave the open file");
        // The kernel sends the last release after close() has returned, and libfuse unlinks the hidden name then.
        org.awaitility.Awaitility.await("the hidden file is gone after the last close")
                .atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                    try (var left = Files.list(v.dataDir)) {
                        assertEquals(List.of(), left.toList());
                    }
                });
    }

    @Test
    void aSetGidDirectoryGivesItsGroupToWhatIsMadeInItAndStickyProtectsOthersFiles() throws IOException {
        v.sh("mkdir team && chown 0:4242 team && chmod 2777 team");
        v.run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "sh", "-c",
                "echo x > team/f && mkdir team/sub && ln -s f team/l");
        assertEquals("1000:4242 1000:4242 1000:4242", v.sh("stat -c '%u:%g' team/f team/sub && stat -c '%u:%g' team/l")
                .strip().replace('\n', ' '));
        assertEquals("2", v.sh("stat -c '%a' team/sub").strip().substring(0, 1), "a subdirectory is set-gid too");

        v.sh("mkdir tmp && chmod 1777 tmp");
        v.run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "sh", "-c", "echo mine > tmp/mine");
        MountedVolume.Result other = v.tryRun("setpriv", "--reuid=1001", "--regid=1001", "--clear-groups",
                "rm", "-f", "tmp/mine");
        assertNotEquals(0, other.exitCode(), "the sticky bit keeps another user from removing the file");
        assertTrue(other.output().contains("Operation not permitted"), other.output());
    }

    @Test
    void inodeNumbersStayAcrossARename() throws IOException {
        v.sh("echo a > a.txt && mkdir d");
        String before = v.sh("stat -c %i a.txt d").strip();
        v.sh("mv a.txt b.txt && mv d e");
        assertEquals(before, v.sh("stat -c %i b.txt e").strip());
    }

    @Test
    void aNonRootCallerOwnsWhatItCreatesAndTheKernelChecksModeBits() throws IOException {
        v.run("mkdir", "shared");
        v.run("chmod", "0777", "shared");
        v.sh("echo root-only > private.txt && chmod 0600 private.txt");

        v.run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "sh", "-c", "echo mine > shared/mine.txt");
        assertEquals("1000:1000", v.run("stat", "-c", "%u:%g", "shared/mine.txt").strip());
        MountedVolume.Result denied = v.tryRun("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                "cat", "private.txt");
        assertNotEquals(0, denied.exitCode());
        assertTrue(denied.output().contains("Permission denied"), denied.output());
    }
}
