package io.cloudsync.fuse;

import io.cloudsync.journal.Mutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FIFOs, device nodes and sockets on a mounted volume: made with the real programs, typed and numbered as on a
 * local disk, real nodes in the cache directory, journaled as created files; and nothing in the plugin blocks on
 * a FIFO (chmod, touch, mv, rm of one all return).
 */
@Tag("fuse")
class FuseSpecialFilesTest {

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

    @Test
    void aFifoMadeWithMkfifoCarriesBytesFromAWriterToAReader() throws Exception {
        v.run("mkfifo", "-m", "0640", "pipe");
        assertEquals("fifo 640", v.run("stat", "-c", "%F %a", "pipe").strip());
        assertEquals("fifo", v.run("stat", "-c", "%F", v.dataDir.resolve("pipe").toString()).strip(),
                "a real FIFO in the cache directory");

        Path received = tmp.resolve("received.txt");
        Process reader = new ProcessBuilder("sh", "-c", "cat pipe > " + received).directory(v.mnt.toFile()).start();
        Process writer = new ProcessBuilder("sh", "-c", "printf 'through the pipe\\n' > pipe")
                .directory(v.mnt.toFile()).start();
        finishes(writer, "the writer");
        finishes(reader, "the reader");
        assertEquals("through the pipe\n", Files.readString(received, StandardCharsets.UTF_8));
        // The kernel gives the FIFO a new mtime when bytes pass, as a local disk does: an attribute change
        assertEquals(new Mutation.FileCreated("pipe"), v.recorded().getFirst());
        assertTrue(Set.of(new Mutation.FileCreated("pipe"), new Mutation.FileChanged("pipe"))
                .containsAll(v.recorded()), () -> "journaled: " + v.recorded());
    }

    @Test
    void chmodChownTouchRenameAndRemoveOfAFifoNeverOpenIt() throws IOException {
        v.run("mkfifo", "pipe");
        v.run("chmod", "0600", "pipe");
        v.run("chown", "1234:4321", "pipe");
        v.run("touch", "-d", "2001-02-03 04:05:06 UTC", "pipe");
        assertEquals("fifo 600 1234:4321 981173106", v.run("stat", "-c", "%F %a %u:%g %Y", "pipe").strip());

        v.run("mv", "pipe", "moved");
        assertEquals("fifo", v.run("stat", "-c", "%F", "moved").strip());
        v.run("rm", "moved");
        assertEquals(List.of(), List.of(v.dataDir.toFile().list()));
        assertEquals(List.of(new Mutation.FileCreated("pipe"), new Mutation.FileChanged("pipe"),
                new Mutation.FileChanged("pipe"), new Mutation.FileChanged("pipe"),
                new Mutation.Renamed("pipe", "moved", false),
                new Mutation.FileRemoved("moved")), v.recorded());
    }

    @Test
    void devicesMadeWithMknodShowTheirTypeAndNumbers() throws IOException {
        v.run("mknod", "-m", "0640", "null", "c", "1", "3");
        v.run("mknod", "loop", "b", "7", "0");
        v.run("mknod", "big", "c", "300", "70000"); // numbers past the old 8-bit fields of dev_t

        // stat prints major and minor in hexadecimal
        assertEquals("character special file 640 1 3", v.run("stat", "-c", "%F %a %t %T", "null").strip());
        assertEquals("block special file 7 0", v.run("stat", "-c", "%F %t %T", "loop").strip());
        assertEquals("12c 11170", v.run("stat", "-c", "%t %T", "big").strip());
        assertTrue(v.run("ls", "-l", "null").contains(" 1, 3 "), "ls -l shows major, minor");
        assertEquals("character special file 1 3",
                v.run("stat", "-c", "%F %t %T", v.dataDir.resolve("null").toString()).strip());

        MountedVolume.Result opened = v.tryRun("sh", "-c", "head -c 1 null");
        assertNotEquals(0, opened.exitCode(), "the volume is mounted nodev: its devices cannot be opened");
        assertTrue(opened.output().contains("Permission denied"), opened.output());
    }

    @Test
    void aSocketBoundInTheVolumeIsASocket() throws IOException {
        v.run("python3", "-c", "import socket; socket.socket(socket.AF_UNIX).bind('sock')");
        assertEquals("socket", v.run("stat", "-c", "%F", "sock").strip());
        assertEquals(List.of(new Mutation.FileCreated("sock")), v.recorded());
    }

    @Test
    void aNonRootCallerOwnsTheSpecialFilesItMakes() throws IOException {
        v.run("mkdir", "-m", "0777", "shared");
        v.run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "mkfifo", "shared/pipe");
        assertEquals("1000:1000 fifo", v.run("stat", "-c", "%u:%g %F", "shared/pipe").strip());
        MountedVolume.Result device = v.tryRun("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "mknod", "shared/null", "c", "1", "3");
        assertNotEquals(0, device.exitCode(), "making a device needs CAP_MKNOD, as on a local disk");
        assertTrue(device.output().contains("Operation not permitted"), device.output());
    }

    private static void finishes(Process p, String what) throws InterruptedException {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish in 30 s");
        }
        assertEquals(0, p.exitValue(), what + " failed");
    }
}
