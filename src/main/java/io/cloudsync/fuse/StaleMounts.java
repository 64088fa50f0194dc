package io.cloudsync.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Finds and removes a dead FUSE mount, left at a mountpoint by a process that crashed: every access to it fails
 * with "Transport endpoint is not connected" (ENOTCONN), or ECONNABORTED after an abort, until it is unmounted.
 */
final class StaleMounts {

    private static final Logger LOG = Logger.getLogger(StaleMounts.class.getName());
    private static final String ENOTCONN = "Transport endpoint is not connected";
    private static final String ECONNABORTED = "Software caused connection abort";
    /** Dead mounts can stack (a crash, a remount, another crash); peel at most this many. */
    private static final int MAX_LAYERS = 8;

    private StaleMounts() {
    }

    /** Whether the topmost mount at {@code mountPoint} is a FUSE mount whose server is gone. */
    static boolean isDead(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, BasicFileAttributes.class);
            return false;
        } catch (FileSystemException e) {
            String reason = e.getReason();
            return reason != null && (reason.startsWith(ENOTCONN) || reason.startsWith(ECONNABORTED));
        } catch (IOException e) {
            return false;
        }
    }

    /** Unmounts dead FUSE mounts at {@code mountPoint}; true if there was one. Fails if one cannot be removed. */
    static boolean clean(Path mountPoint) throws IOException {
        boolean cleaned = false;
        for (int layer = 0; layer < MAX_LAYERS && isDead(mountPoint); layer++) {
            LOG.warning("removing a dead FUSE mount at " + mountPoint + " (its process is gone)");
            int err = Umount.umount2(mountPoint, Umount.DETACH);
            if (err == Umount.EPERM) {
                runFusermount(mountPoint); // not root: the set-uid helper may still unmount our own mounts
            } else if (err != 0 && err != Umount.EINVAL) {
                throw new IOException("cannot unmount the dead FUSE mount at " + mountPoint + ": errno " + err);
            }
            cleaned = true;
        }
        if (isDead(mountPoint)) {
            throw new IOException("the dead FUSE mount at " + mountPoint + " is still there after unmounting");
        }
        return cleaned;
    }

    private static void runFusermount(Path mountPoint) throws IOException {
        Process p = new ProcessBuilder("fusermount3", "-u", "-z", mountPoint.toString())
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("fusermount3 -uz " + mountPoint + " did not finish in 10 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IOException("fusermount3 -uz " + mountPoint + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }
}
