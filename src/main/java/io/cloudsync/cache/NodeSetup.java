package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

/** Attribute changes on cache files, never following a symlink out of the cache directory. */
final class NodeSetup {

    private NodeSetup() {
    }

    /** Sets the mode explicitly: the kernel already applied the caller's umask, ours must not apply again. */
    static void applyModeAndOwner(Path file, int mode, Owner owner) throws IOException {
        Files.setAttribute(file, "unix:mode", mode & 07777, NOFOLLOW_LINKS);
        if (owner != null) {
            setOwner(file, owner);
        }
    }

    /**
     * The owner a new node in {@code parent} gets, as a local filesystem gives it: in a set-gid directory, the
     * directory's group instead of the creator's (the kernel leaves this to FUSE filesystems).
     */
    static Owner inParent(Path parent, Owner creator) throws IOException {
        if (creator == null) {
            return null;
        }
        int mode = (Integer) Files.getAttribute(parent, "unix:mode", NOFOLLOW_LINKS);
        if ((mode & 02000) == 0) {
            return creator;
        }
        return new Owner(creator.uid(), (Integer) Files.getAttribute(parent, "unix:gid", NOFOLLOW_LINKS));
    }

    /** A directory made in a set-gid directory is set-gid too, as on a local filesystem. */
    static int directoryMode(Path parent, int mode) throws IOException {
        int parentMode = (Integer) Files.getAttribute(parent, "unix:mode", NOFOLLOW_LINKS);
        return (parentMode & 02000) != 0 ? mode | 02000 : mode;
    }

    static void setOwner(Path file, Owner owner) throws IOException {
        Files.setAttribute(file, "unix:uid", owner.uid(), NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", owner.gid(), NOFOLLOW_LINKS);
    }

    /** null leaves that time unchanged. */
    static void setTimes(Path file, Instant accessTime, Instant modifiedTime) throws IOException {
        if (accessTime == null && modifiedTime == null) {
            return;
        }
        Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(
                modifiedTime == null ? null : FileTime.from(modifiedTime),
                accessTime == null ? null : FileTime.from(accessTime),
                null);
    }

    /** Undoes a half-made node; a failure to do so is attached to the original failure. */
    static void deleteAfterFailure(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
