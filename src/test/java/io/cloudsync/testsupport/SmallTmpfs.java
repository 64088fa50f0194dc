package io.cloudsync.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A small tmpfs mounted for a test (root only), to fill up on purpose, grow again, and unmount at the end. */
public final class SmallTmpfs implements AutoCloseable {

    private final Path dir;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} ("64k", "16m") at a new directory {@code dir}. */
    public static SmallTmpfs mount(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "cloudsync-test", dir.toString());
        return new SmallTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Makes room: the same filesystem, a new size. */
    public void resize(String size) throws IOException {
        run("mount", "-o", "remount,size=" + size, dir.toString());
    }

    @Override
    public void close() throws IOException {
        run("umount", dir.toString());
    }

    private static void run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        }
    }
}
