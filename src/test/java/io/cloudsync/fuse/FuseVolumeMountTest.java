package io.cloudsync.fuse;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mount's lifecycle: it answers when mount returns, close always unmounts, dead mounts are cleaned. */
@Tag("fuse")
class FuseVolumeMountTest {

    @TempDir
    Path tmp;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        for (String dir : List.of("mnt", "dead")) {
            Path p = tmp.resolve(dir).toAbsolutePath();
            if (MountedVolume.mountedAt(p)) {
                FuseVolumeMount.cleanStaleMount(p);
                Umount.umount2(p, Umount.DETACH);
            }
            assertFalse(MountedVolume.mountedAt(p), "nothing stays mounted at " + p);
        }
    }

    private MountedVolume volume(boolean readOnly) throws IOException {
        MountedVolume v = new MountedVolume(tmp, readOnly);
        toClose.add(v);
        return v;
    }

    /** What a crashed FUSE process leaves: a mount whose connection has no server (its /dev/fuse fd is closed). */
    private void leaveDeadMount(Path at) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("sh", "-c", "exec 3<>/dev/fuse; exec mount -i -t fuse "
                + "-o fd=3,rootmode=40000,user_id=0,group_id=0 crashed-test " + at).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), output);
        assertTrue(StaleMounts.isDead(at), "the mount at " + at + " is dead");
    }

    @Test
    void closeIsIdempotentAndLeavesAPlainDirectory() throws IOException {
        MountedVolume v = volume(false);
        v.sh("echo data > f");
        v.mount.close();
        v.mount.close();

        assertTrue(v.mount.isClosed());
        assertFalse(MountedVolume.mountedAt(v.mnt));
        assertFalse(Files.exists(v.mnt.resolve("f")), "the mountpoint is an empty directory again");
        assertEquals("data\n", Files.readString(v.dataDir.resolve("f")));
    }

    @Test
    void theMountReadsAheadOneMebibyte() throws IOException {
        MountedVolume v = volume(false);
        String device = MountTable.at(v.mnt.toAbsolutePath()).orElseThrow().device();
        assertEquals("1024", Files.readString(Path.of("/sys/class/bdi", device, "read_ahead_kb")).strip());
    }

    @Test
    void aBusyMountIsStillUnmountedAndItsLoopEnds() throws IOException {
        MountedVolume v = volume(false);
        Process busy = new ProcessBuilder("sleep", "600").directory(v.mnt.toFile()).start();
        started.add(busy);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> v.mount.close());
        assertFalse(MountedVolume.mountedAt(v.mnt));
    }

    @Test
    void aDeadMountLeftByACrashedProcessIsCleanedBeforeMounting() throws Exception {
        leaveDeadMount(tmp.resolve("mnt").toAbsolutePath());

        MountedVolume v = volume(false);
        v.sh("echo alive > f");
        assertEquals("alive\n", Files.readString(v.mnt.resolve("f")));
    }

    @Test
    void cleanStaleMountRemovesOnlyDeadMounts() throws Exception {
        Path dead = tmp.resolve("dead").toAbsolutePath();
        leaveDeadMount(dead);
        assertTrue(FuseVolumeMount.cleanStaleMount(dead));
        assertFalse(MountedVolume.mountedAt(dead));
        assertFalse(FuseVolumeMount.cleanStaleMount(dead), "a plain directory is left alone");

        MountedVolume v = volume(false);
        assertFalse(FuseVolumeMount.cleanStaleMount(v.mnt), "a live mount is left alone");
        assertTrue(MountedVolume.mountedAt(v.mnt));
    }

    @Test
    void mountingWhereAVolumeIsAlreadyMountedFailsClearly() throws IOException {
        MountedVolume v = volume(false);
        try (Journal other = Journal.open(tmp.resolve("other-journal"))) {
            VolumeCache otherCache = new VolumeCache(tmp.resolve("other-data"), other, false);
            IOException e = assertThrows(IOException.class, () -> FuseVolumeMount.mount(otherCache, v.mnt));
            assertTrue(e.getMessage().contains("already mounted"), e.getMessage());
        }
        v.sh("echo still served > f");
    }

    @Test
    void aReadOnlyVolumeServesReadsAndRefusesWrites() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Files.writeString(tmp.resolve("data/existing.txt"), "remote data\n");
        MountedVolume v = volume(true);

        assertEquals("remote data\n", v.run("cat", "existing.txt"));
        for (String[] write : List.of(new String[] {"touch", "new"}, new String[] {"mkdir", "d"},
                new String[] {"rm", "existing.txt"}, new String[] {"sh", "-c", "echo x >> existing.txt"})) {
            MountedVolume.Result r = v.tryRun(write);
            assertNotEquals(0, r.exitCode(), String.join(" ", write));
            assertTrue(r.output().contains("Read-only file system"), r.output());
        }
        assertEquals(List.of(), v.recorded());
    }
}
