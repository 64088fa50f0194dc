package io.cloudsync.writeback;

import io.cloudsync.journal.Mutation;
import io.cloudsync.store.ObjectInfo;
import io.cloudsync.store.ObjectStore;
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

    private final ObjectStore store;
    private final WritebackQueue keys;
    private final UploadSource source;

    StoreWriter(ObjectStore store, WritebackQueue keys, UploadSource source) {
        this.store = store;
        this.keys = keys;
        this.source = source;
    }

    /**
     * Applies the newest state of {@code key}; an upload stops early once {@code cancelled} is true. The local
     * node decides, not the record. A node that is not there was removed or renamed a moment ago (the cache
     * changes the directory first, then appends the record) and {@link LocalNodeMissing} says to wait for that
     * record; once {@code missingIsFinal} (it did not come), the object is deleted, so the store never keeps a name
     * the volume no longer has.
     */
    void apply(String key, Mutation mutation, BooleanSupplier cancelled, boolean missingIsFinal)
            throws StoreException, IOException, ChangedDuringUpload, LocalNodeMissing {
        switch (mutation) {
            case Mutation.FileCreated c -> upload(key, c.path(), cancelled, missingIsFinal);
            case Mutation.FileChanged c -> upload(key, c.path(), cancelled, missingIsFinal);
            case Mutation.FileRemoved r -> store.delete(key);
            case Mutation.DirCreated d -> writeMarker(key, d.path(), missingIsFinal);
            case Mutation.DirChanged d -> writeMarker(key, d.path(), missingIsFinal);
            case Mutation.DirRemoved d -> store.delete(key);
            case Mutation.Renamed r -> throw new IllegalArgumentException("a rename is a barrier job: " + r);
        }
    }

    private void upload(String key, String path, BooleanSupplier cancelled, boolean missingIsFinal)
            throws StoreException, IOException, ChangedDuringUpload, LocalNodeMissing {
        Optional<Path> file = source.regularFile(path);
        if (file.isEmpty()) {
            Path node = source.contentPath(path);
            if (Files.isSymbolicLink(node)) {
                uploadSymlink(key, node);
                return;
            }
            if (source.exists(path) && !source.isDirectory(path)) {
                return; // a special file (fifo, device): it lives in the volume only
            }
            if (!missingIsFinal) {
                throw new LocalNodeMissing(path);
            }
            store.delete(key);
            return;
        }
        source.completeForUpload(path);
        FileVersion before = FileVersion.of(file.get());
        ObjectInfo uploaded = store.putFile(key, file.get(), PosixMetadata.of(file.get()).toUserMetadata(), cancelled);
        if (!before.equals(FileVersion.of(file.get()))) {
            throw new ChangedDuringUpload(path);
        }
        source.recordUploaded(path, uploaded.etag(), before.size(), before.modifiedTime());
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
            copyIfPresent(from, to);
            store.delete(from);
            return;
        }
        List<String> moved = new ArrayList<>();
        for (ObjectInfo object : store.list(from + "/")) {
            copyIfPresent(object.key(), to + object.key().substring(from.length()));
            moved.add(object.key());
        }
        for (String key : moved) {
            store.delete(key);
        }
    }

    private void copyIfPresent(String sourceKey, String targetKey) throws StoreException {
        try {
            store.copy(sourceKey, targetKey);
        } catch (StoreException.NotFound absent) {
            // not in the store (never uploaded, or moved by an earlier attempt of this rename): nothing to copy
        }
    }
}
