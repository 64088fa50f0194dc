package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The operations of {@link VolumeCache} on the tree: done in the cache directory with NIO, then journaled.
 * Renames move the open handles along (see {@link OpenFile} for why that keeps the journal in order) and are
 * journaled as one {@code Renamed} record, for a file as for a whole directory: the uploader turns it into
 * server-side copies and deletes, so a crash can never leave half a directory rename in the journal.
 */
final class TreeOperations {

    private final CachePaths paths;
    private final Journal journal;
    private final OpenFiles openFiles;
    /** Journal-form paths of files detached from the volume while open: never journaled. */
    private final Set<String> hiddenPaths = ConcurrentHashMap.newKeySet();
    private volatile WaitingUploads waitingUploads = WaitingUploads.NONE;

    TreeOperations(CachePaths paths, Journal journal, OpenFiles openFiles) {
        this.paths = paths;
        this.journal = journal;
        this.openFiles = openFiles;
    }

    void useWaitingUploads(WaitingUploads uploads) {
        this.waitingUploads = uploads;
    }

    void truncate(String rel, long size) throws IOException {
        Path file = paths.file(rel);
        if (!Files.isRegularFile(file, NOFOLLOW_LINKS) && Files.exists(file, NOFOLLOW_LINKS)) {
            // truncate(2) refuses anything but a regular file the same way; opening a FIFO would block here
            throw new FileSystemException("/" + rel, null, "Invalid argument");
        }
        try (FileChannel channel = FileChannel.open(file, WRITE, NOFOLLOW_LINKS)) {
            HandleOperations.setLength(channel, size);
        }
        recordUnlessHidden(new Mutation.FileChanged(rel));
    }

    void unlink(String rel) throws IOException {
        Path file = paths.file(rel);
        if (Files.isDirectory(file, NOFOLLOW_LINKS)) {
            throw new FileSystemException("/" + rel, null, "Is a directory");
        }
        Files.delete(file);
        if (!hiddenPaths.remove(rel)) {
            journal.record(new Mutation.FileRemoved(rel));
        }
    }

    void mkdir(String rel, int mode, Owner owner) throws IOException {
        Path dir = paths.file(rel);
        Files.createDirectory(dir, NodeSetup.permissions(mode));
        try {
            NodeSetup.applyModeAndOwner(dir, NodeSetup.directoryMode(dir.getParent(), mode),
                    NodeSetup.inParent(dir.getParent(), owner));
        } catch (IOException | RuntimeException e) {
            NodeSetup.deleteAfterFailure(dir, e);
            throw e;
        }
        journal.record(new Mutation.DirCreated(rel));
    }

    void rmdir(String rel) throws IOException {
        Path dir = paths.file(rel);
        if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
            if (Files.exists(dir, NOFOLLOW_LINKS)) {
                throw new FileSystemException("/" + rel, null, "Not a directory");
            }
            throw new NoSuchFileException("/" + rel);
        }
        Files.delete(dir);
        journal.record(new Mutation.DirRemoved(rel));
    }

    void rename(String source, String target, boolean noReplace) throws IOException {
        Path sourceFile = paths.file(source);
        Path targetFile = paths.file(target);
        NodeAttributes moved = NodeAttributes.read(sourceFile); // NoSuchFileException if there is nothing to move
        if (source.equals(target)) {
            return;
        }
        if (noReplace && Files.exists(targetFile, NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException("/" + target);
        }
        // ATOMIC_MOVE is rename(2) itself: it replaces the target atomically (and refuses a non-empty directory).
        Files.move(sourceFile, targetFile, StandardCopyOption.ATOMIC_MOVE);
        boolean sourceHidden = moveHiddenPaths(source, target);
        openFiles.moved(source, target, hiddenPaths::contains);
        if (sourceHidden) {
            // a detached file was never in the bucket: it enters the volume under its new name
            journal.record(new Mutation.FileChanged(target));
        } else {
            journal.record(new Mutation.Renamed(source, target, moved.type() == NodeType.DIRECTORY));
        }
    }

    /** Moves the hidden names at or below {@code from} along; says whether {@code from} itself was hidden. */
    private boolean moveHiddenPaths(String from, String to) {
        boolean wasHidden = false;
        for (String hidden : List.copyOf(hiddenPaths)) {
            if (CachePaths.isAtOrBelow(hidden, from) && hiddenPaths.remove(hidden)) {
                if (hidden.equals(from)) {
                    wasHidden = true;
                } else {
                    hiddenPaths.add(CachePaths.rebase(hidden, from, to));
                }
            }
        }
        return wasHidden;
    }

    void hideOpenFile(String rel, String hidden) throws IOException {
        Files.move(paths.file(rel), paths.file(hidden), StandardCopyOption.ATOMIC_MOVE);
        hiddenPaths.add(hidden);
        boolean wasHidden = hiddenPaths.remove(rel);
        openFiles.moved(rel, hidden, hiddenPaths::contains);
        if (!wasHidden) {
            journal.record(new Mutation.FileRemoved(rel));
        }
    }

    /** A mode equal to the current one changes nothing and is not journaled. */
    void chmod(String rel, int mode) throws IOException {
        Path file = paths.file(rel);
        NodeAttributes current = NodeAttributes.read(file);
        if (current.permissions() == (mode & 07777)) {
            return;
        }
        if (current.type().isSpecial()) {
            SpecialNodes.chmod(file, mode); // NIO would open the node: a FIFO blocks
        } else {
            Files.setAttribute(file, "unix:mode", mode & 07777, NOFOLLOW_LINKS);
        }
        recordAttributeChange(rel, file);
    }

    /**
     * An owner equal to the current one changes nothing and is not journaled (SQLite running as root gives every
     * new journal file its database's owner). The set-user-ID bits a chown clears come as a chmod of their own.
     */
    void chown(String rel, int uid, int gid) throws IOException {
        Path file = paths.file(rel);
        NodeAttributes current = NodeAttributes.read(file);
        if ((uid == -1 || uid == current.uid()) && (gid == -1 || gid == current.gid())) {
            return;
        }
        if (uid != -1) {
            Files.setAttribute(file, "unix:uid", uid, NOFOLLOW_LINKS);
        }
        if (gid != -1) {
            Files.setAttribute(file, "unix:gid", gid, NOFOLLOW_LINKS);
        }
        recordAttributeChange(rel, file);
    }

    void setTimes(String rel, Instant accessTime, Instant modifiedTime) throws IOException {
        Path file = paths.file(rel);
        NodeAttributes current = NodeAttributes.read(file);
        if ((accessTime == null || accessTime.equals(current.accessTime()))
                && (modifiedTime == null || modifiedTime.equals(current.modifiedTime()))) {
            return;
        }
        if (current.type().isSpecial()) {
            SpecialNodes.setTimes(file, accessTime, modifiedTime); // NIO would open the node: a FIFO blocks
        } else {
            NodeSetup.setTimes(file, accessTime, modifiedTime);
        }
        recordAttributeChange(rel, file);
    }

    void symlink(String rel, String target, Owner owner) throws IOException {
        Path link = paths.file(rel);
        Files.createSymbolicLink(link, Path.of(target));
        if (owner != null) {
            try {
                NodeSetup.setOwner(link, NodeSetup.inParent(link.getParent(), owner));
            } catch (IOException | RuntimeException e) {
                NodeSetup.deleteAfterFailure(link, e);
                throw e;
            }
        }
        journal.record(new Mutation.FileCreated(rel));
    }

    /**
     * Makes a FIFO, device node or socket ({@code mode} holds its type and permission bits) owned by {@code owner}
     * (null: this process), journaled as a created file; the uploader stores it as an empty object whose metadata
     * says what it is. It is never opened here: the kernel serves a special file's I/O itself.
     */
    void mknod(String rel, int mode, long rdev, Owner owner) throws IOException {
        NodeType type = NodeType.ofMode(mode);
        if (!type.isSpecial()) {
            throw new FileSystemException("/" + rel, null, "Invalid argument"); // regular files come through create
        }
        Path node = paths.file(rel);
        SpecialNodes.make(node, type, rdev);
        try {
            SpecialNodes.chmod(node, mode & 07777);
            Owner effective = NodeSetup.inParent(node.getParent(), owner);
            if (effective != null) {
                NodeSetup.setOwner(node, effective);
            }
        } catch (IOException | RuntimeException e) {
            NodeSetup.deleteAfterFailure(node, e);
            throw e;
        }
        journal.record(new Mutation.FileCreated(rel));
    }

    /** A changed attribute must reach the bucket: a file is uploaded again, a directory's marker rewritten. */
    private void recordAttributeChange(String rel, Path file) throws IOException {
        if (rel.isEmpty() || hiddenPaths.contains(rel)) {
            return; // the root has no object of its own
        }
        boolean directory = Files.isDirectory(file, NOFOLLOW_LINKS);
        if (!directory && waitingUploads.postponeWaitingUpload(rel)) {
            return; // the waiting upload reads the file's attributes when it starts (see WaitingUploads)
        }
        journal.record(directory ? new Mutation.DirChanged(rel) : new Mutation.FileChanged(rel));
    }

    private void recordUnlessHidden(Mutation mutation) throws IOException {
        if (!hiddenPaths.contains(mutation.path())) {
            journal.record(mutation);
        }
    }
}
