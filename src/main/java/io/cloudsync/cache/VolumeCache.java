package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;
import io.cloudsync.util.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The files of one volume in its cache directory, and the filesystem operations the FUSE layer delegates to.
 * Each operation is done on the local directory with NIO and journaled (see the package comment for the layout).
 *
 * <p>Paths are volume paths: "/a/b.txt" as FUSE gives them, or "a/b.txt"; they never escape the cache directory.
 * Failures are NIO's exceptions ({@code NoSuchFileException}, {@code FileAlreadyExistsException},
 * {@code DirectoryNotEmptyException}, a {@code FileSystemException} whose reason is the {@code strerror} text,
 * {@code ReadOnlyFileSystemException} for any change to a read-only volume) plus {@link UnknownHandleException}.
 *
 * <p>Journaling: a write through a handle marks it dirty; flush and release record {@code FileChanged} once per
 * dirty handle. create and open with O_TRUNC mark the handle dirty too (an empty file is a file). Path operations
 * record at once. fsync forces the data, records the file if dirty and returns only when the journal is durable.
 *
 * <p>Files unlinked while open (libfuse renames them to a hidden name until the last release, see
 * {@link #hideOpenFile}) leave the volume at once: nothing done to them afterwards is journaled.
 *
 * <p>Locks: none held across I/O that another callback waits on, except the monitor of one {@link OpenFile} while
 * its flush appends to the journal (only flushes and renames of that same file wait on it).
 */
public final class VolumeCache {

    private static final Logger LOG = Logger.getLogger(VolumeCache.class.getName());

    private final CachePaths paths;
    private final Journal journal;
    private final boolean readOnly;
    private final FileStore store;
    private final OpenFiles openFiles = new OpenFiles();
    /** Journal-form paths of files detached from the volume while open. */
    private final Set<String> hiddenPaths = ConcurrentHashMap.newKeySet();

    public VolumeCache(Path dataDir, Journal journal, boolean readOnly) throws IOException {
        Files.createDirectories(dataDir);
        this.paths = new CachePaths(dataDir);
        this.journal = journal;
        this.readOnly = readOnly;
        this.store = Files.getFileStore(paths.dataDir());
    }

    public Path dataDir() {
        return paths.dataDir();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The cache file holding the current content of {@code relPath}, for the uploader. It may be a symlink: open it
     * with {@link LinkOption#NOFOLLOW_LINKS} (a symlink's target is its content) and expect it to be gone.
     */
    public Path contentPath(String relPath) {
        return paths.file(CachePaths.relative(relPath));
    }

    /** Handles currently open (for tests and status). */
    public int openFileCount() {
        return openFiles.size();
    }

    // ---- reading the tree ----------------------------------------------------------------------------------------

    public NodeAttributes attributes(String path) throws IOException {
        return NodeAttributes.read(file(path));
    }

    /** The children of a directory with their attributes, without "." and "..". */
    public List<DirEntry> list(String path) throws IOException {
        List<DirEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(file(path))) {
            for (Path child : children) {
                try {
                    entries.add(new DirEntry(child.getFileName().toString(), NodeAttributes.read(child)));
                } catch (NoSuchFileException removedMeanwhile) {
                    // gone between listing and lstat: not part of this listing
                }
            }
        }
        return entries;
    }

    public String readlink(String path) throws IOException {
        return Files.readSymbolicLink(file(path)).toString();
    }

    public SpaceUsage space() throws IOException {
        return new SpaceUsage(store.getBlockSize(), store.getTotalSpace(), store.getUnallocatedSpace(),
                store.getUsableSpace());
    }

    // ---- open files ----------------------------------------------------------------------------------------------

    /**
     * Creates an empty regular file with {@code mode} (permission bits) and {@code owner} (null: the process's)
     * and opens it. {@code options} may hold {@link java.nio.file.StandardOpenOption#APPEND}.
     */
    public long create(String path, int mode, Owner owner, Set<? extends OpenOption> options) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        Path file = paths.file(rel);
        FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE, NOFOLLOW_LINKS);
        try {
            applyModeAndOwner(file, mode, owner);
        } catch (IOException | RuntimeException e) {
            channel.close();
            deleteAfterFailure(file, e);
            throw e;
        }
        return register(channel, rel, options.contains(APPEND), true, true);
    }

    /**
     * Opens an existing file. {@code options} are those of the open: WRITE or APPEND mean write access,
     * TRUNCATE_EXISTING empties the file. The cache file is opened read-write on a writable volume whatever the
     * access, because with the kernel's writeback cache reads may arrive on a write-only handle.
     */
    public long open(String path, Set<? extends OpenOption> options) throws IOException {
        boolean truncate = options.contains(TRUNCATE_EXISTING);
        if (readOnly && (truncate || options.contains(WRITE) || options.contains(APPEND))) {
            throw new ReadOnlyFileSystemException();
        }
        String rel = requireNotRoot(path);
        Path file = paths.file(rel);
        FileChannel channel = readOnly
                ? FileChannel.open(file, READ, NOFOLLOW_LINKS)
                : FileChannel.open(file, READ, WRITE, NOFOLLOW_LINKS);
        if (truncate) {
            try {
                channel.truncate(0);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return register(channel, rel, options.contains(APPEND), truncate, false);
    }

    private long register(FileChannel channel, String rel, boolean append, boolean dirty, boolean created) {
        OpenFile file = new OpenFile(openFiles.nextHandle(), channel, rel, append, dirty, created);
        openFiles.add(file);
        return file.handle;
    }

    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; fewer only at the end of the file. */
    public int read(long handle, ByteBuffer dst, long offset) throws IOException {
        FileChannel channel = openFiles.get(handle).channel;
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Writes all of {@code src} at {@code offset} (at the end for an append handle) and marks the handle dirty. */
    public int write(long handle, ByteBuffer src, long offset) throws IOException {
        requireWritable();
        OpenFile file = openFiles.get(handle);
        int written;
        if (file.append) {
            synchronized (file.channel) { // appenders of one handle must not interleave between size() and write
                written = writeFully(file.channel, src, file.channel.size());
            }
        } else {
            written = writeFully(file.channel, src, offset);
        }
        file.markDirty(); // after the data is in: a concurrent flush either sees it or the flag stays for later
        return written;
    }

    private static int writeFully(FileChannel channel, ByteBuffer src, long offset) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            total += channel.write(src, offset + total);
        }
        return total;
    }

    /** Records the file as changed if it was written since the last flush. */
    public void flush(long handle) throws IOException {
        recordIfDirty(openFiles.get(handle));
    }

    /** Closes the handle, recording the file first if it is dirty. */
    public void release(long handle) throws IOException {
        OpenFile file = openFiles.remove(handle);
        try {
            recordIfDirty(file);
        } finally {
            file.channel.close();
        }
    }

    /**
     * Makes the data durable, records the file if dirty and returns when the journal record is on disk: after
     * this, neither a crash of the plugin nor of the host loses the change.
     */
    public void fsync(long handle, boolean dataOnly) throws IOException {
        OpenFile file = openFiles.get(handle);
        file.channel.force(!dataOnly);
        if (file.takeEntryUnsynced()) {
            Path parent = paths.file(file.path()).getParent();
            AtomicFiles.fsyncDirectory(parent); // a new file's name must survive the crash as well as its data
        }
        recordIfDirty(file);
        journal.sync();
    }

    /** fsync of a directory: its entries and every journal record so far become durable. */
    public void syncDirectory(String path) throws IOException {
        AtomicFiles.fsyncDirectory(file(path));
        journal.sync();
    }

    private void recordIfDirty(OpenFile file) throws IOException {
        synchronized (file) {
            if (!file.takeDirtyLocked() || file.hiddenLocked()) {
                return;
            }
            try {
                journal.record(new Mutation.FileChanged(file.pathLocked()));
            } catch (IOException | RuntimeException e) {
                file.restoreDirty();
                throw e;
            }
        }
    }

    /** Closes every open handle, recording the dirty ones (at unmount, when the kernel will send no releases). */
    public void closeOpenFiles() {
        for (OpenFile file : openFiles.removeAll()) {
            try (FileChannel ignored = file.channel) {
                recordIfDirty(file);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "closing " + file.path() + " of " + dataDir() + " at unmount failed", e);
            }
        }
    }

    // ---- changing the tree ---------------------------------------------------------------------------------------

    /** Sets the size of a file, cutting or zero-extending it. */
    public void truncate(String path, long size) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        try (FileChannel channel = FileChannel.open(paths.file(rel), WRITE, NOFOLLOW_LINKS)) {
            setLength(channel, size);
        }
        record(new Mutation.FileChanged(rel));
    }

    /** ftruncate: like {@link #truncate(String, long)} through an open handle, recorded when it is flushed. */
    public void truncate(long handle, long size) throws IOException {
        requireWritable();
        OpenFile file = openFiles.get(handle);
        setLength(file.channel, size);
        file.markDirty();
    }

    private static void setLength(FileChannel channel, long size) throws IOException {
        long current = channel.size();
        if (size < current) {
            channel.truncate(size);
        } else if (size > current) {
            channel.write(ByteBuffer.allocate(1), size - 1); // FileChannel.truncate never extends; this leaves a hole
        }
    }

    public void unlink(String path) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        Path file = paths.file(rel);
        if (Files.isDirectory(file, NOFOLLOW_LINKS)) {
            throw new FileSystemException(path, null, "Is a directory");
        }
        Files.delete(file);
        if (!hiddenPaths.remove(rel)) {
            journal.record(new Mutation.FileRemoved(rel));
        }
    }

    public void mkdir(String path, int mode, Owner owner) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        Path dir = paths.file(rel);
        Files.createDirectory(dir);
        try {
            applyModeAndOwner(dir, mode, owner);
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(dir, e);
            throw e;
        }
        journal.record(new Mutation.DirCreated(rel));
    }

    public void rmdir(String path) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        Path dir = paths.file(rel);
        if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
            if (Files.exists(dir, NOFOLLOW_LINKS)) {
                throw new FileSystemException(path, null, "Not a directory");
            }
            throw new NoSuchFileException(path);
        }
        Files.delete(dir);
        journal.record(new Mutation.DirRemoved(rel));
    }

    /**
     * Renames a file or a directory, replacing an existing target as rename(2) does unless {@code noReplace}.
     * Open handles follow the file. Journaled as the new place created, then the old one removed.
     */
    public void rename(String from, String to, boolean noReplace) throws IOException {
        requireWritable();
        String source = requireNotRoot(from);
        String target = requireNotRoot(to);
        Path sourceFile = paths.file(source);
        Path targetFile = paths.file(target);
        NodeAttributes moved = NodeAttributes.read(sourceFile);
        if (source.equals(target)) {
            return;
        }
        if (noReplace && Files.exists(targetFile, NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(to);
        }
        // ATOMIC_MOVE is rename(2) itself: it replaces the target atomically (and refuses a non-empty directory).
        Files.move(sourceFile, targetFile, StandardCopyOption.ATOMIC_MOVE);
        boolean sourceHidden = moveHiddenPaths(source, target);
        openFiles.moved(source, target, hiddenPaths::contains);
        if (moved.type() == NodeType.DIRECTORY) {
            TreeMoveRecorder.record(journal, source, target, targetFile, hiddenPaths::contains);
        } else {
            journal.record(new Mutation.FileChanged(target));
            if (!sourceHidden) {
                journal.record(new Mutation.FileRemoved(source));
            }
        }
    }

    /** Moves the hidden names at or below {@code from} along; says whether {@code from} itself was hidden. */
    private boolean moveHiddenPaths(String from, String to) {
        boolean wasHidden = false;
        for (String hidden : List.copyOf(hiddenPaths)) {
            if (CachePaths.isAtOrBelow(hidden, from) && hiddenPaths.remove(hidden)) {
                wasHidden |= hidden.equals(from);
                if (!hidden.equals(from)) {
                    hiddenPaths.add(CachePaths.rebase(hidden, from, to));
                }
            }
        }
        return wasHidden;
    }

    /**
     * Detaches a file that is still open from the volume: it moves to {@code hiddenPath}, where its handles keep
     * working until released, and is journaled as removed. Nothing done to it afterwards is journaled, and its
     * final unlink records nothing. libfuse does this (".fuse_hidden...") for an unlink or a rename over an open file.
     */
    public void hideOpenFile(String path, String hiddenPath) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        String hidden = requireNotRoot(hiddenPath);
        Files.move(paths.file(rel), paths.file(hidden), StandardCopyOption.ATOMIC_MOVE);
        hiddenPaths.add(hidden);
        boolean wasHidden = hiddenPaths.remove(rel);
        openFiles.moved(rel, hidden, hiddenPaths::contains);
        if (!wasHidden) {
            journal.record(new Mutation.FileRemoved(rel));
        }
    }

    /** Sets the permission bits (and set-uid, set-gid, sticky) of {@code path}: {@code mode & 07777}. */
    public void chmod(String path, int mode) throws IOException {
        requireWritable();
        String rel = CachePaths.relative(path);
        Path file = paths.file(rel);
        Files.setAttribute(file, "unix:mode", mode & 07777, NOFOLLOW_LINKS);
        recordAttributeChange(rel, file);
    }

    /** Changes the owner; -1 leaves that id unchanged. */
    public void chown(String path, int uid, int gid) throws IOException {
        requireWritable();
        String rel = CachePaths.relative(path);
        Path file = paths.file(rel);
        if (uid != -1) {
            Files.setAttribute(file, "unix:uid", uid, NOFOLLOW_LINKS);
        }
        if (gid != -1) {
            Files.setAttribute(file, "unix:gid", gid, NOFOLLOW_LINKS);
        }
        recordAttributeChange(rel, file);
    }

    /**
     * Sets access and modification times; null leaves that time unchanged. Times equal to the current ones change
     * nothing and are not journaled: with the writeback cache the kernel sends the mtime it keeps again after a
     * rename or chmod (when it writes back the changed ctime).
     */
    public void setTimes(String path, Instant accessTime, Instant modifiedTime) throws IOException {
        requireWritable();
        String rel = CachePaths.relative(path);
        Path file = paths.file(rel);
        NodeAttributes current = NodeAttributes.read(file);
        if ((accessTime == null || accessTime.equals(current.accessTime()))
                && (modifiedTime == null || modifiedTime.equals(current.modifiedTime()))) {
            return;
        }
        setTimes(file, accessTime, modifiedTime);
        recordAttributeChange(rel, file);
    }

    /**
     * Sets times through an open handle (the kernel's writeback cache sends the mtime it kept this way): recorded
     * with the handle's next flush instead of once more now.
     */
    public void setTimes(long handle, Instant accessTime, Instant modifiedTime) throws IOException {
        requireWritable();
        OpenFile file = openFiles.get(handle);
        setTimes(paths.file(file.path()), accessTime, modifiedTime);
        file.markDirty();
    }

    private static void setTimes(Path file, Instant accessTime, Instant modifiedTime) throws IOException {
        if (accessTime == null && modifiedTime == null) {
            return;
        }
        Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(
                modifiedTime == null ? null : FileTime.from(modifiedTime),
                accessTime == null ? null : FileTime.from(accessTime),
                null);
    }

    /** Creates a symbolic link at {@code linkPath} whose content is {@code target}, journaled like a file. */
    public void symlink(String linkPath, String target, Owner owner) throws IOException {
        requireWritable();
        String rel = requireNotRoot(linkPath);
        Path link = paths.file(rel);
        Files.createSymbolicLink(link, Path.of(target));
        if (owner != null) {
            try {
                setOwner(link, owner);
            } catch (IOException | RuntimeException e) {
                deleteAfterFailure(link, e);
                throw e;
            }
        }
        journal.record(new Mutation.FileChanged(rel));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private Path file(String path) {
        return paths.file(CachePaths.relative(path));
    }

    private static String requireNotRoot(String path) {
        String rel = CachePaths.relative(path);
        if (rel.isEmpty()) {
            throw new java.nio.file.InvalidPathException(path, "the volume root cannot be changed this way");
        }
        return rel;
    }

    private void requireWritable() {
        if (readOnly) {
            throw new ReadOnlyFileSystemException();
        }
    }

    /** A changed attribute must reach the bucket: a file is uploaded again, a directory's marker rewritten. */
    private void recordAttributeChange(String rel, Path file) throws IOException {
        if (rel.isEmpty() || hiddenPaths.contains(rel)) {
            return; // the root has no object of its own
        }
        boolean directory = Files.isDirectory(file, NOFOLLOW_LINKS);
        journal.record(directory ? new Mutation.DirCreated(rel) : new Mutation.FileChanged(rel));
    }

    private void record(Mutation mutation) throws IOException {
        if (!hiddenPaths.contains(mutation.path())) {
            journal.record(mutation);
        }
    }

    private static void applyModeAndOwner(Path file, int mode, Owner owner) throws IOException {
        // Set explicitly: the mode from the kernel already has the caller's umask applied, ours must not apply again.
        Files.setAttribute(file, "unix:mode", mode & 07777, NOFOLLOW_LINKS);
        if (owner != null) {
            setOwner(file, owner);
        }
    }

    private static void setOwner(Path file, Owner owner) throws IOException {
        Files.setAttribute(file, "unix:uid", owner.uid(), NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", owner.gid(), NOFOLLOW_LINKS);
    }

    private static void deleteAfterFailure(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
