package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

/** Attribute changes on cache files, never following a symlink out of the cache directory. */
final class NodeSetup {

    private NodeSetup() {
    }

    /**
     * Gives a node {@code mode} (permission bits) and {@code owner} (null: leave it), changing only what differs:
     * each chmod or chown is a journaled metadata write on the cache disk, and a new node usually has the right
     * mode (see {@link #permissions}) and the plugin's own owner already. The mode is set explicitly, not through
     * our umask: the kernel already applied the caller's. Mode before owner, as before: root's chown keeps set-id bits.
     */
    static void applyModeAndOwner(Path file, int mode, Owner owner) throws IOException {
        Map<String, Object> now = Files.readAttributes(file, "unix:mode,uid,gid", NOFOLLOW_LINKS);
        if (((Integer) now.get("mode") & 07777) != (mode & 07777)) {
            Files.setAttribute(file, "unix:mode", mode & 07777, NOFOLLOW_LINKS);
        }
        if (owner != null) {
            setOwner(file, owner, (Integer) now.get("uid"), (Integer) now.get("gid"));
        }
    }

    /**
     * The permission bits of {@code mode} as a creation attribute, so that a new node starts with them when this
     * process's umask leaves them alone (set-id and sticky bits, and bits the umask takes, come from
     * {@link #applyModeAndOwner} afterwards).
     */
    static FileAttribute<Set<PosixFilePermission>> permissions(int mode) {
        Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] byBit = PosixFilePermission.values(); // OWNER_READ (0400) ... OTHERS_EXECUTE (0001)
        for (int i = 0; i < byBit.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                bits.add(byBit[i]);
            }
        }
        return PosixFilePermissions.asFileAttribute(bits);
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
        Map<String, Object> now = Files.readAttributes(file, "unix:uid,gid", NOFOLLOW_LINKS);
        setOwner(file, owner, (Integer) now.get("uid"), (Integer) now.get("gid"));
    }

    private static void setOwner(Path file, Owner owner, int uidNow, int gidNow) throws IOException {
        if (owner.uid() != uidNow) {
            Files.setAttribute(file, "unix:uid", owner.uid(), NOFOLLOW_LINKS);
        }
        if (owner.gid() != gidNow) {
            Files.setAttribute(file, "unix:gid", owner.gid(), NOFOLLOW_LINKS);
        }
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
