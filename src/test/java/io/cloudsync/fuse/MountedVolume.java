package io.cloudsync.fuse;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A volume cache over a real journal, mounted with FUSE in a temporary directory, and helpers to run real programs
 * on it. {@link #close()} always unmounts and checks that nothing is left in the mount table.
 */
final class MountedVolume implements AutoCloseable {

    final Path dataDir;
    final Path mnt;
    final Journal journal;
    final VolumeCache cache;
    final FuseVolumeMount mount;

    MountedVolume(Path tmp, boolean readOnly) throws IOException {
        this(tmp, readOnly, FuseMountOptions.defaults("cloudsync-test"));
    }

    MountedVolume(Path tmp, boolean readOnly, FuseMountOptions options) throws IOException {
        this.dataDir = tmp.resolve("data");
        this.mnt = tmp.resolve("mnt");
        this.journal = Journal.open(tmp.resolve("journal"));
        this.cache = new VolumeCache(dataDir, journal, readOnly);
        FuseVolumeMount mounted;
        try {
            mounted = FuseVolumeMount.mount(cache, mnt, options);
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        this.mount = mounted;
    }

    /** Every mutation journaled so far, in order. */
    List<Mutation> recorded() {
        return journal.pending().stream().map(JournalEntry::mutation).toList();
    }

    /** Runs a program in {@code mnt}; returns its output (stdout and stderr) and asserts it exited 0. */
    String run(String... command) throws IOException {
        Result r = tryRun(command);
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + " failed: " + r.output());
        return r.output();
    }

    /** Runs a shell command line in {@code mnt}. */
    String sh(String script) throws IOException {
        return run("sh", "-c", script);
    }

    record Result(int exitCode, String output) {
    }

    Result tryRun(String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(mnt.toFile()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static boolean mountedAt(Path where) throws IOException {
        return MountTable.at(where.toAbsolutePath().normalize()).isPresent();
    }

    @Override
    public void close() throws IOException {
        List<Throwable> failures = new ArrayList<>();
        try {
            mount.close();
        } catch (IOException | RuntimeException e) {
            failures.add(e);
        }
        try {
            journal.close();
        } catch (IOException | RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IOException e = new IOException("closing the mounted volume at " + mnt + " failed", failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        assertFalse(mountedAt(mnt), "nothing stays mounted at " + mnt);
        assertTrue(Files.isDirectory(mnt));
    }
}
