package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.util.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files of one volume in its cache directory, and the filesystem operations the FUSE layer delegates to.
 * Each operation is done on the local directory with NIO and journaled (see the package comment for the layout);
 * {@link HandleOperations} does the open-file half, {@link TreeOperations} the tree half.
 *
 * <p>Paths are volume paths: "/a/b.txt" as FUSE gives them, or "a/b.txt"; they never escape the cache directory
 * ({@link InvalidPathException} otherwise). Failures are NIO's exceptions ({@code NoSuchFileException},
 * {@code FileAlreadyExistsException}, {@code DirectoryNotEmptyException}, a {@code FileSystemException} whose
 * reason is the {@code strerror} text, {@link ReadOnlyFileSystemException} for any change to a read-only volume)
 * plus {@link UnknownHandleException}.
 *
 * <p>Journaling: a write through a handle marks it dirty; flush and release record {@code FileChanged} once per
 * dirty handle. create and open with O_TRUNC mark the handle dirty too (an empty file is a file). Path operations
 * record at once. fsync forces the data, records the file if dirty and returns only when the journal is durable.
 * Files unlinked while open (see {@link #hideOpenFile}) leave the volume at once and are never journaled again.
 *
 * <p>Locks: none held across I/O that another callback waits on, except the monitor of one open file while its
 * own flush appends to the journal (only flushes and renames of that same file wait on it).
 */
public final class VolumeCache {

    private final CachePaths paths;
    private final boolean readOnly;
    private final Journal journal;
    private final FileStore store;
    private final SpaceHeadroom headroom;
    private final OpenFiles openFiles = new OpenFiles();
    private final HandleOperations handles;
    private final TreeOperations tree;
    private final RemoteListing listing;
    private final RemoteContent remoteContent;
    private final CacheSpace space;
    private volatile StaleEntries staleEntries = StaleEntries.NONE;

    /** A cache with nothing remote: every directory is as the cache holds it. */
    public VolumeCache(Path dataDir, Journal journal, boolean readOnly) throws IOException {
        this(dataDir, journal, readOnly, RemoteTree.NONE);
    }

    /** A cache over {@code remote} that never lists a directory twice. */
    public VolumeCache(Path dataDir, Journal journal, boolean readOnly, RemoteTree remote) throws IOException {
        this(dataDir, journal, readOnly, remote, java.time.Duration.ZERO);
    }

    /**
     * A cache over {@code remote}: unlisted directories and placeholders are filled from it when looked at, and a
     * directory looked at more than {@code refreshInterval} after its last listing is listed again (0: never).
     */
    public VolumeCache(Path dataDir, Journal journal, boolean readOnly, RemoteTree remote,
                       java.time.Duration refreshInterval) throws IOException {
        this(dataDir, journal, readOnly, remote, refreshInterval, Long.MAX_VALUE);
    }

    /** As above, with the file data in the cache bounded by {@code cacheMaxSize} bytes (see {@link CacheSpace}). */
    public VolumeCache(Path dataDir, Journal journal, boolean readOnly, RemoteTree remote,
                       java.time.Duration refreshInterval, long cacheMaxSize) throws IOException {
        this(dataDir, journal, readOnly, remote, RefreshSchedule.every(refreshInterval), cacheMaxSize);
    }

    /** As above, with directories listed again on {@code schedule} (tests give it a clock of their own). */
    VolumeCache(Path dataDir, Journal journal, boolean readOnly, RemoteTree remote, RefreshSchedule schedule,
                long cacheMaxSize) throws IOException {
        Files.createDirectories(dataDir);
        this.paths = new CachePaths(dataDir);
        this.readOnly = readOnly;
        this.journal = journal;
        this.store = Files.getFileStore(paths.dataDir());
        this.headroom = new SpaceHeadroom(store);
        this.remoteContent = new RemoteContent(remote, openFiles, new RemoteContent.Room() {
            @Override
            public void reserve(long bytes) throws IOException {
                reserveRoom(bytes);
            }

            @Override
            public void done(long bytes) {
                roomUsed(bytes);
            }

            @Override
            public boolean tryReserve(long bytes) throws IOException {
                return space.tryReserve(bytes);
            }

            @Override
            public long largestFetch() {
                return cacheMaxSize / 4;
            }
        });
        this.space = new CacheSpace(paths, cacheMaxSize, this::busyPaths, () -> !journal.pending().isEmpty(),
                remoteContent);
        this.listing = new RemoteListing(paths, remote, schedule, this::busyPaths,
                rel -> staleEntries.entryChanged(rel));
        this.handles = new HandleOperations(paths, journal, openFiles, readOnly, remoteContent);
        this.tree = new TreeOperations(paths, journal, openFiles);
    }

    /**
     * Marks the root of a new volume as not yet listed: its content is in the bucket (if any) and is listed when
     * first looked at. Called once, when the volume is created over its prefix.
     */
    public static void markRootUnlisted(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Placeholders.markUnlisted(dataDir, "");
    }

    /**
     * The uploader put the state of {@code relPath} that had {@code size} and {@code mtime} into the bucket as
     * {@code version}: while the file keeps them, it equals the bucket (a refresh may then replace or remove it).
     */
    public void recordUploaded(String relPath, String version, long size, Instant mtime) throws IOException {
        Path file = contentPath(relPath);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            Placeholders.markSynced(file, version, size, mtime);
            space.mayHaveRoom();
        }
    }

    /** The object of {@code relPath} was copied to its name by a rename: it equals {@code version} now, if it did. */
    public void versionMoved(String relPath, String version) throws IOException {
        Path file = contentPath(relPath);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            java.util.Optional<Placeholders.Synced> synced = Placeholders.synced(file);
            if (synced.isPresent()) {
                Placeholders.markSynced(file, version, synced.get().size(), synced.get().mtime());
            }
        }
    }

    /** The bucket version {@code relPath} was listed or last uploaded as, if known (see {@link Placeholders}). */
    public java.util.Optional<String> syncedVersion(String relPath) throws IOException {
        Path file = contentPath(relPath);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        return Placeholders.synced(file).map(Placeholders.Synced::version);
    }

    /**
     * After a conflict was resolved in the bucket: the local file moves to {@code conflictPath}, where it equals
     * the object just uploaded ({@code version}, its state of {@code size} and {@code mtime}); open handles go
     * with it. {@code relPath} becomes a placeholder of {@code otherVersion}, the other tool's version. Nothing is
     * journaled: the bucket already looks like this.
     */
    public void keepConflict(String relPath, String conflictPath, String version, long size, Instant mtime,
                             RemoteEntry otherVersion) throws IOException {
        String rel = CachePaths.relative(relPath);
        String conflictRel = CachePaths.relative(conflictPath);
        synchronized (remoteContent.lockFor(rel)) {
            Path file = paths.file(rel);
            Path conflict = paths.file(conflictRel);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return; // removed meanwhile: a newer record says what becomes of the name
            }
            Files.move(file, conflict, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            openFiles.moved(rel, conflictRel, p -> false);
            Placeholders.markSynced(conflict, version, size, mtime);
            int slash = rel.lastIndexOf('/');
            String parentRel = slash < 0 ? "" : rel.substring(0, slash);
            listing.materialize(paths.file(parentRel), parentRel, otherVersion);
        }
        staleEntries.entryChanged(rel);
    }

    /** Who is told of names that change without a request through the mount (the mount; NONE when unmounted). */
    public void setStaleEntries(StaleEntries listener) {
        this.staleEntries = listener == null ? StaleEntries.NONE : listener;
    }

    /**
     * Makes {@code relPath} complete in the cache if it is a placeholder, for the uploader: an upload must never
     * read the holes of a placeholder as content.
     */
    public void completeForUpload(String relPath) throws IOException {
        Path file = contentPath(relPath);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Placeholders.remoteFile(file).isEmpty()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            remoteContent.complete(file, CachePaths.relative(relPath), channel, null);
        }
    }

    public Path dataDir() {
        return paths.dataDir();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The cache file holding the current content of {@code relPath}, for the uploader. It may be a symlink or a
     * directory, or be gone: check with {@link LinkOption#NOFOLLOW_LINKS} before reading it.
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
        parentsListed(path);
        return NodeAttributes.read(file(path));
    }

    /** The children of a directory with their attributes, without "." and "..". */
    public List<DirEntry> list(String path) throws IOException {
        listing.ensureListed(CachePaths.relative(path));
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
        parentsListed(path);
        return Files.readSymbolicLink(file(path)).toString();
    }

    /** The real space of the filesystem holding the cache directory; "available" leaves out the journal's headroom. */
    public SpaceUsage space() throws IOException {
        return new SpaceUsage(store.getBlockSize(), store.getTotalSpace(), store.getUnallocatedSpace(),
                headroom.availableForData());
    }

    // ---- open files ----------------------------------------------------------------------------------------------

    /**
     * Creates an empty regular file with {@code mode} (permission bits) and {@code owner} (null: this process's)
     * and opens it. {@code options} may hold {@link StandardOpenOption#APPEND}: writes then go to the end.
     */
    public long create(String path, int mode, Owner owner, Set<? extends OpenOption> options) throws IOException {
        requireWritable();
        parentsListed(path);
        return handles.create(requireNotRoot(path), mode, owner, options);
    }

    /**
     * Opens an existing file. {@code options} are those of the open: WRITE or APPEND mean write access (APPEND:
     * writes go to the end), TRUNCATE_EXISTING empties the file.
     */
    public long open(String path, Set<? extends OpenOption> options) throws IOException {
        if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
                || options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            requireWritable();
        }
        parentsListed(path);
        String rel = requireNotRoot(path);
        space.touched(rel);
        return handles.open(rel, options);
    }

    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; fewer only at the end of the file. */
    public int read(long handle, ByteBuffer dst, long offset) throws IOException {
        return handles.read(handle, dst, offset);
    }

    private void reserveRoom(long bytes) throws IOException {
        space.reserve(bytes);
    }

    private void roomUsed(long bytes) {
        space.done(bytes);
    }

    /** Evicts a clean file now (for tests); false if it is dirty, open or busy. */
    boolean evict(String path) throws IOException {
        return space.evictNow(CachePaths.relative(path));
    }

    /** Writes all of {@code src} at {@code offset} (at the end for an append handle) and marks the handle dirty. */
    public int write(long handle, ByteBuffer src, long offset) throws IOException {
        requireWritable();
        int bytes = src.remaining();
        space.reserve(bytes);
        try (SpaceHeadroom.Reservation room = headroom.reserve(bytes)) {
            return handles.write(handle, src, offset);
        } finally {
            space.done(bytes);
        }
    }

    /** ftruncate: cuts or zero-extends, journaled with the handle's next flush. */
    public void truncate(long handle, long size) throws IOException {
        requireWritable();
        handles.truncate(handle, size);
    }

    /**
     * Sets times through an open handle (the kernel's writeback cache sends the mtime it kept this way); null
     * leaves a time unchanged. Journaled with the handle's next flush instead of once more now.
     */
    public void setTimes(long handle, Instant accessTime, Instant modifiedTime) throws IOException {
        requireWritable();
        handles.setTimes(handle, accessTime, modifiedTime);
    }

    /** Journals the file as changed if it was written since the last flush (close of any descriptor). */
    public void flush(long handle) throws IOException {
        handles.flush(handle);
    }

    /** Closes the handle, journaling the file first if it is dirty. */
    public void release(long handle) throws IOException {
        handles.release(handle);
    }

    /**
     * Makes the data durable (with the name of a file this handle created), journals the file if dirty and
     * returns when the journal is on disk: after this, a crash of the plugin or the host loses nothing.
     */
    public void fsync(long handle, boolean dataOnly) throws IOException {
        handles.fsync(handle, dataOnly);
    }

    /** fsync of a directory: its entries and every journal record so far become durable. */
    public void syncDirectory(String path) throws IOException {
        AtomicFiles.fsyncDirectory(file(path));
        journal.sync();
    }

    /**
     * Lets a change to a file whose upload still waits in the write-back queue go without a journal record of its
     * own (see {@link WaitingUploads}). Set once, before the volume is mounted.
     */
    public void useWaitingUploads(WaitingUploads uploads) {
        handles.useWaitingUploads(uploads);
        tree.useWaitingUploads(uploads);
    }

    /** Closes every open handle, journaling the dirty ones (at unmount, when the kernel sends no more releases). */
    public void closeOpenFiles() {
        handles.closeOpenFiles();
    }

    // ---- changing the tree ---------------------------------------------------------------------------------------

    /** Sets the size of a file, cutting or zero-extending it. */
    public void truncate(String path, long size) throws IOException {
        requireWritable();
        parentsListed(path);
        if (size > 0) {
            completeForUpload(path); // the bytes kept must be the bucket's, not a placeholder's holes
        }
        tree.truncate(requireNotRoot(path), size);
        if (size == 0 && Files.isRegularFile(file(path), LinkOption.NOFOLLOW_LINKS)) {
            Placeholders.markComplete(file(path));
        }
    }

    /** Removes a file or symlink; a directory is refused ("Is a directory"). */
    public void unlink(String path) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.unlink(requireNotRoot(path));
    }

    /** Creates a directory with {@code mode} (permission bits) and {@code owner} (null: this process's). */
    public void mkdir(String path, int mode, Owner owner) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.mkdir(requireNotRoot(path), mode, owner);
    }

    /** Removes an empty directory; anything else is refused. */
    public void rmdir(String path) throws IOException {
        requireWritable();
        String rel = requireNotRoot(path);
        listing.ensureListed(rel); // a directory whose bucket children are not listed is not known to be empty
        tree.rmdir(rel);
        listing.forget(rel);
    }

    /**
     * Renames a file or a directory, replacing an existing target as rename(2) does unless {@code noReplace}.
     * Open handles follow the file. Journaled as one {@code Renamed} record for a file or a whole directory (the
     * uploader copies the objects server-side, then deletes the old ones).
     */
    public void rename(String from, String to, boolean noReplace) throws IOException {
        requireWritable();
        String fromRel = requireNotRoot(from);
        String toRel = requireNotRoot(to);
        listing.ensureParentsListed(fromRel);
        listing.ensureParentsListed(toRel);
        // A directory moves with everything the bucket holds below it: listed first, its placeholders remember
        // where their bytes were listed, while its objects move in the bucket later, in the write-back order.
        if (Files.isDirectory(file(from), LinkOption.NOFOLLOW_LINKS)) {
            listing.ensureSubtreeListed(fromRel);
        }
        if (Files.isDirectory(file(to), LinkOption.NOFOLLOW_LINKS)) {
            listing.ensureListed(toRel); // replacing a directory that the bucket says is not empty must fail
        }
        tree.rename(fromRel, toRel, noReplace);
        listing.forget(fromRel);
        listing.forget(toRel);
    }

    /**
     * Detaches a file that is still open from the volume: it moves to {@code hiddenPath}, where its handles keep
     * working until released, and is journaled as removed. Nothing done to it afterwards is journaled, and its
     * final unlink records nothing. libfuse does this (".fuse_hidden...") for an unlink or a rename over an open file.
     */
    public void hideOpenFile(String path, String hiddenPath) throws IOException {
        requireWritable();
        tree.hideOpenFile(requireNotRoot(path), requireNotRoot(hiddenPath));
    }

    /** Sets the permission bits (and set-uid, set-gid, sticky) of {@code path}: {@code mode & 07777}. */
    public void chmod(String path, int mode) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.chmod(CachePaths.relative(path), mode);
    }

    /** Changes the owner; -1 leaves that id unchanged. */
    public void chown(String path, int uid, int gid) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.chown(CachePaths.relative(path), uid, gid);
    }

    /**
     * Sets access and modification times; null leaves that time unchanged. Times equal to the current ones change
     * nothing and are not journaled: with the writeback cache the kernel sends the mtime it keeps again after a
     * rename or chmod (when it writes back the changed ctime).
     */
    public void setTimes(String path, Instant accessTime, Instant modifiedTime) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.setTimes(CachePaths.relative(path), accessTime, modifiedTime);
    }

    /**
     * Creates a symbolic link at {@code linkPath} whose content is {@code target}, journaled as a created file
     * (the uploader decides how a symlink is stored; its content is never followed here).
     */
    public void symlink(String linkPath, String target, Owner owner) throws IOException {
        requireWritable();
        parentsListed(linkPath);
        tree.symlink(requireNotRoot(linkPath), target, owner);
    }

    /**
     * Makes a FIFO, character or block device, or socket at {@code path}: {@code mode} holds its type and
     * permission bits, {@code rdev} a device's number. Regular files are made by {@link #create}; anything else is
     * refused ("Invalid argument").
     */
    public void mknod(String path, int mode, long rdev, Owner owner) throws IOException {
        requireWritable();
        parentsListed(path);
        tree.mknod(requireNotRoot(path), mode, rdev, owner);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private Path file(String path) {
        return paths.file(CachePaths.relative(path));
    }

    /**
     * Open files and whatever the journal's waiting records concern; a refresh leaves them alone. A refresh asks
     * once for each entry of a directory, with thousands of records waiting after a burst of writes: each question
     * costs one set lookup, and a look at each rename waiting (few).
     */
    private java.util.function.Predicate<String> busyPaths() {
        java.util.Set<String> open = openFiles.openPaths();
        java.util.Set<String> changed = new java.util.HashSet<>();
        java.util.List<io.cloudsync.journal.Mutation.Renamed> renames = new java.util.ArrayList<>();
        for (io.cloudsync.journal.JournalEntry waiting : journal.pending()) {
            if (waiting.mutation() instanceof io.cloudsync.journal.Mutation.Renamed r) {
                renames.add(r);
            } else {
                changed.add(waiting.mutation().path());
            }
        }
        return rel -> {
            if (open.contains(rel) || changed.contains(rel)) {
                return true;
            }
            for (io.cloudsync.journal.Mutation.Renamed r : renames) {
                if (CachePaths.isAtOrBelow(rel, r.path()) || CachePaths.isAtOrBelow(rel, r.target())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Lists from the bucket whatever ancestors of {@code path} are not listed yet (nothing for the root). */
    private void parentsListed(String path) throws IOException {
        String rel = CachePaths.relative(path);
        if (!rel.isEmpty()) {
            listing.ensureParentsListed(rel);
        }
    }

    private static String requireNotRoot(String path) {
        String rel = CachePaths.relative(path);
        if (rel.isEmpty()) {
            throw new InvalidPathException(path, "the volume root cannot be changed this way");
        }
        return rel;
    }

    private void requireWritable() {
        if (readOnly) {
            throw new ReadOnlyFileSystemException();
        }
    }
}
