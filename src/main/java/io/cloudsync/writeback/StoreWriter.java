package io.cloudsync.writeback;

import io.cloudsync.cache.NodeType;
import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.journal.Mutation;
import io.cloudsync.store.ObjectInfo;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.PutCondition;
import io.cloudsync.store.StoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Brings the store to the state one job stands for: the current local content of a path, its absence, a
 * directory marker, or a rename (server-side copies first, deletions after, so no name is ever missing in between).
 * Every step is idempotent, so a job repeated after a failure or a crash finishes what an earlier attempt began.
 */
final class StoreWriter {

    /** Copies, and deletions, of a directory rename that run at once (see {@link KeysAtOnce}). */
    static final int PARALLEL_MOVES = 16;

    private final ObjectStore store;
    private final WritebackQueue keys;
    private final UploadSource source;
    private final java.util.function.Consumer<String> conflicts;

    StoreWriter(ObjectStore store, WritebackQueue keys, UploadSource source, java.util.function.Consumer<String> conflicts) {
        this.store = store;
        this.keys = keys;
        this.source = source;
        this.conflicts = conflicts;
    }

    /**
     * Applies the newest state of {@code key}; an upload stops early once {@code cancelled} is true. The local
     * node decides, not the record. A node that is not there was removed or renamed a moment ago (the cache
     * changes the directory first, then appends the record) and {@link LocalNodeMissing} says to wait for that
     * record; once {@code missingIsFinal} (it did not come), the object is deleted, so the store never keeps a name
     * the volume no longer has.
     */
    void apply(String key, Mutation mutation, boolean newName, BooleanSupplier cancelled, boolean missingIsFinal)
            throws StoreException, IOException, ChangedDuringUpload, LocalNodeMissing {
        switch (mutation) {
            case Mutation.FileCreated c -> upload(key, c.path(), newName, cancelled, missingIsFinal);
            case Mutation.FileChanged c -> upload(key, c.path(), false, cancelled, missingIsFinal);
            case Mutation.FileRemoved r -> store.delete(key);
            case Mutation.DirCreated d -> writeMarker(key, d.path(), missingIsFinal);
            case Mutation.DirChanged d -> writeMarker(key, d.path(), missingIsFinal);
            case Mutation.DirRemoved d -> store.delete(key);
            case Mutation.Renamed r -> throw new IllegalArgumentException("a rename is a barrier job: " + r);
        }
    }

    private void upload(String key, String path, boolean created, BooleanSupplier cancelled, boolean missingIsFinal)
            throws StoreException, IOException, ChangedDuringUpload, LocalNodeMissing {
        Optional<Path> file = source.regularFile(path);
        if (file.isEmpty()) {
            Path node = source.contentPath(path);
            if (Files.isSymbolicLink(node)) {
                uploadSymlink(key, node);
                return;
            }
            if (source.exists(path) && !source.isDirectory(path)) {
                uploadSpecial(key, node);
                return;
            }
            if (!missingIsFinal) {
                throw new LocalNodeMissing(path);
            }
            store.delete(key);
            return;
        }
        source.completeForUpload(path);
        FileVersion before = FileVersion.of(file.get());
        PosixMetadata attributes = PosixMetadata.of(file.get());
        Optional<String> seen = source.syncedVersion(path);
        // The upload may replace only the version the volume last saw, or (a new file) no object at all. A changed
        // file with no known version (written before versions were kept) is taken as the volume's own.
        PutCondition expected = seen.map(PutCondition::version)
                .orElse(created ? PutCondition.ABSENT : PutCondition.NONE);
        ObjectInfo uploaded;
        try {
            try {
                uploaded = store.putFile(key, file.get(), attributes.toUserMetadata(), expected, cancelled);
            } catch (StoreException.PreconditionFailed | StoreException.NotFound notAsSeen) {
                Optional<ObjectInfo> other = changedByAnother(key, before);
                if (other.isPresent()) {
                    keepBeside(path, file.get(), before, attributes, other.get(), cancelled);
                    return;
                }
                // Deleted by another tool (the change wins over the deletion), or this volume's own earlier upload
                // whose record a crash lost: replace exactly what is there now.
                uploaded = store.putFile(key, file.get(), attributes.toUserMetadata(), currentState(key), cancelled);
            }
        } catch (StoreException failed) {
            // A file removed or replaced while it was sent makes the client fail in its own ways ("not a regular
            // file"); that is a change to upload again once quiet, not a failure of the store. Gone: the
            // NoSuchFileException says so.
            if (!before.equals(FileVersion.of(file.get()))) {
                throw new ChangedDuringUpload(path);
            }
            throw failed;
        }
        if (!before.equals(FileVersion.of(file.get()))) {
            throw new ChangedDuringUpload(path);
        }
        source.recordUploaded(path, uploaded.etag(), before.size(), before.modifiedTime());
    }

    /**
     * After an upload's condition failed: the object another tool put at the name, if there is one. An object
     * that carries this very file's size and mtime is this volume's own upload (its record was lost in a crash),
     * not another's.
     */
    private Optional<ObjectInfo> changedByAnother(String key, FileVersion local) throws StoreException {
        Optional<ObjectInfo> remote = store.stat(key);
        boolean ours = remote.isPresent() && remote.get().size() == local.size()
                && PosixMetadata.formatTime(local.modifiedTime()).equals(remote.get().userMetadata().get(PosixMetadata.MTIME));
        return ours ? Optional.empty() : remote;
    }

    private PutCondition currentState(String key) throws StoreException {
        return store.stat(key).map(o -> PutCondition.version(o.etag())).orElse(PutCondition.ABSENT);
    }

    /**
     * A conflict: the local version goes up under a conflict name beside the other tool's object, which keeps the
     * name; then the volume shows the same (the local file moves to the conflict name, the name becomes a
     * placeholder of the other version). Nothing is overwritten, on either side.
     */
    private void keepBeside(String path, Path file, FileVersion before, PosixMetadata attributes, ObjectInfo other,
                            BooleanSupplier cancelled) throws StoreException, IOException, ChangedDuringUpload {
        String conflictPath = ConflictNames.beside(path, java.time.Instant.now());
        ObjectInfo kept = store.putFile(keys.key(conflictPath), file, attributes.toUserMetadata(), cancelled);
        if (!before.equals(FileVersion.of(file))) {
            throw new ChangedDuringUpload(path);
        }
        PosixMetadata.Parsed theirs = PosixMetadata.parse(other.userMetadata());
        String name = path.substring(path.lastIndexOf('/') + 1);
        RemoteEntry otherVersion = new RemoteEntry(name, NodeType.FILE, other.size(), other.etag(),
                theirs.mode().orElse(attributes.mode()) & 07777, theirs.uid().orElse(attributes.uid()),
                theirs.gid().orElse(attributes.gid()), theirs.mtime().orElse(other.lastModified()), null);
        source.keepConflict(path, conflictPath, kept.etag(), before.size(), before.modifiedTime(), otherVersion);
        conflicts.accept(path + " was changed in the bucket by another tool and in the volume; the bucket's version"
                + " keeps the name, the volume's is kept as " + conflictPath);
    }

    /**
     * A symlink is stored as s3fs stores it: an object whose content is the link's target, with S_IFLNK in its mode.
     * A link changed or removed meanwhile is a newer record's business, as for files.
     */
    private void uploadSymlink(String key, Path link) throws StoreException, IOException, ChangedDuringUpload {
        PosixMetadata attributes;
        String target;
        try {
            attributes = PosixMetadata.of(link);
            target = Files.readSymbolicLink(link).toString();
        } catch (NoSuchFileException | NotLinkException replacedMeanwhile) {
            throw new ChangedDuringUpload(link.toString());
        }
        store.putBytes(key, target.getBytes(StandardCharsets.UTF_8), attributes.toUserMetadata());
    }

    /**
     * A special file (FIFO, device, socket) is stored as s3fs stores it: an empty object whose mode has the node's
     * type bits; a device's number goes along as {@code rdev}. Only its attributes are read: opening a FIFO would
     * block, and a device is not the plugin's to read. A node replaced meanwhile is a newer record's business.
     */
    private void uploadSpecial(String key, Path node) throws StoreException, IOException, ChangedDuringUpload {
        PosixMetadata attributes;
        try {
            attributes = PosixMetadata.of(node);
        } catch (NoSuchFileException replacedMeanwhile) {
            throw new ChangedDuringUpload(node.toString());
        }
        if (!NodeType.ofMode(attributes.mode()).isSpecial()) {
            throw new ChangedDuringUpload(node.toString());
        }
        store.putBytes(key, new byte[0], attributes.toUserMetadata());
    }

    private void writeMarker(String key, String path, boolean missingIsFinal)
            throws StoreException, IOException, LocalNodeMissing {
        if (source.isDirectory(path)) {
            store.putBytes(key, new byte[0], PosixMetadata.of(source.contentPath(path)).toUserMetadata());
        } else if (!missingIsFinal) {
            throw new LocalNodeMissing(path);
        } else {
            store.delete(key);
        }
    }

    /**
     * Moves the objects of a rename. A file: copy, then delete the old object (a source that is not in the store
     * was never uploaded or was already moved by an earlier attempt: nothing to copy). A directory: every object
     * under the old name, its marker included, is copied under the new name, and only then are the old ones deleted.
     */
    void rename(Mutation.Renamed rename) throws StoreException {
        String from = keys.key(rename.path());
        String to = keys.key(rename.target());
        if (!rename.directory()) {
            copyIfPresent(from, to, rename.target());
            store.delete(from);
            return;
        }
        // The directory's own marker first: not every store lists it under its own prefix (S3Proxy does not), and
        // left behind it would show a directory the volume no longer has.
        String marker = from + "/";
        copyIfPresent(marker, to + "/", rename.target() + "/");
        List<String> inside = new ArrayList<>();
        for (ObjectInfo object : store.list(marker)) {
            if (!object.key().equals(marker)) {
                inside.add(object.key());
            }
        }
        KeysAtOnce.run(inside, PARALLEL_MOVES, key -> {
            String suffix = key.substring(from.length());
            copyIfPresent(key, to + suffix, rename.target() + suffix);
        });
        // Every copy is in; now the old objects, then the markers of subdirectories and the directory's own in
        // reverse key order: what is inside a directory goes before its marker, as rm -rf does it (a store that
        // keeps directories, as S3Proxy's filesystem backend does, is then left without empty ones).
        KeysAtOnce.run(inside.stream().filter(k -> !k.endsWith("/")).toList(), PARALLEL_MOVES, store::delete);
        List<String> markers = new ArrayList<>(inside.stream().filter(k -> k.endsWith("/")).toList());
        markers.add(marker);
        markers.sort(java.util.Comparator.reverseOrder());
        for (String key : markers) {
            store.delete(key);
        }
    }

    /**
     * A copy gets an ETag of its own when the source was a multipart upload; the file at {@code targetPath} then
     * knows the new one as the version it equals, or its next upload would take the copy for another tool's.
     */
    private void copyIfPresent(String sourceKey, String targetKey, String targetPath) throws StoreException {
        try {
            ObjectInfo copy = store.copy(sourceKey, targetKey);
            if (!targetPath.endsWith("/")) {
                try {
                    source.versionMoved(targetPath, copy.etag());
                } catch (IOException e) {
                    // Only a later upload of that file may then be taken for a conflict and kept twice; say so.
                    java.util.logging.Logger.getLogger(StoreWriter.class.getName()).warning(
                            () -> "cannot note the new version of " + targetPath + ": " + e);
                }
            }
        } catch (StoreException.NotFound absent) {
            // not in the store (never uploaded, or moved by an earlier attempt of this rename): nothing to copy
        }
    }
}
