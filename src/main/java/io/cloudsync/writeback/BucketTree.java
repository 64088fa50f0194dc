package io.cloudsync.writeback;

import io.cloudsync.cache.NodeType;
import io.cloudsync.cache.RangeSink;
import io.cloudsync.cache.RemoteContentChanged;
import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.cache.RemoteTree;
import io.cloudsync.store.DirectoryListing;
import io.cloudsync.store.ObjectInfo;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * A volume's part of the bucket as the cache's {@link RemoteTree}: one delimited listing per directory, then a
 * HEAD of each object for the attributes the listing lacks (run {@value #PARALLEL_HEADS} at a time, as s3fs does),
 * and ranged GETs for file bytes, conditional on the version that was listed. Objects without attributes get
 * the volume's {@link ObjectDefaults}; their mtime is the object's Last-Modified. What a refresh's listing left
 * out is looked for again before the volume drops it ({@link #confirmGone}).
 */
public final class BucketTree implements RemoteTree {

    /** Owner and permission bits of objects that carry none (the volume options uid, gid, file-mode, dir-mode). */
    public record ObjectDefaults(int uid, int gid, int fileMode, int dirMode) {
    }

    private static final Logger LOG = Logger.getLogger(BucketTree.class.getName());
    static final int PARALLEL_HEADS = 16;
    private static final int COPY_BUFFER = 256 * 1024;

    private final ObjectStore store;
    private final String prefix;
    private final ObjectDefaults defaults;

    /** @param prefix the volume's key prefix without trailing "/" ("" for the bucket root) */
    public BucketTree(ObjectStore store, String prefix, ObjectDefaults defaults) {
        this.store = store;
        this.prefix = prefix;
        this.defaults = defaults;
    }

    @Override
    public List<RemoteEntry> list(String dir, Map<String, String> known) throws IOException {
        String dirPrefix = dir.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : key(dir) + "/";
        DirectoryListing listing;
        try {
            listing = store.listDirectory(dirPrefix);
        } catch (StoreException e) {
            throw storeFailure("listing '" + dirPrefix + "'", e);
        }
        Set<String> subdirectories = new HashSet<>(listing.subdirectories());
        List<Future<RemoteEntry>> pending = new ArrayList<>();
        List<RemoteEntry> entries = new ArrayList<>();
        Semaphore heads = new Semaphore(PARALLEL_HEADS);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ObjectInfo object : listing.objects()) {
                String name = object.key().substring(dirPrefix.length());
                if (subdirectories.contains(name)) {
                    // Both "name" and "name/..." exist: a directory cannot also be a file; the directory is shown.
                    LOG.warning(() -> "object '" + object.key() + "' has the name of a directory in the same bucket;"
                            + " the volume shows the directory");
                    continue;
                }
                if (object.etag().equals(known.get(name))) {
                    entries.add(RemoteEntry.unchanged(name, NodeType.FILE, object.size(), object.etag()));
                } else {
                    pending.add(submitBounded(pool, heads, () -> fileEntry(name, object)));
                }
            }
            for (String name : listing.subdirectories()) {
                if (RemoteTree.DIRECTORY.equals(known.get(name))) {
                    entries.add(RemoteEntry.unchanged(name, NodeType.DIRECTORY, 0, null));
                } else {
                    pending.add(submitBounded(pool, heads, () -> directoryEntry(name, dirPrefix + name + "/")));
                }
            }
            for (Future<RemoteEntry> f : pending) {
                RemoteEntry e = f.get();
                if (e != null) {
                    entries.add(e);
                }
            }
            return entries;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("listing '" + dir + "' was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io
                    : new IOException("listing '" + dir + "' from the bucket failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * A name is gone if a HEAD finds no object at it and a one-key listing finds none below it (a directory's
     * marker or contents). Checked {@value #PARALLEL_HEADS} at a time: a listing that left out thousands of names
     * costs that many requests, which is still far less than what showing them as deleted would.
     */
    @Override
    public Set<String> confirmGone(String dir, Set<String> leftOut) throws IOException {
        Set<String> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            KeysAtOnce.run(List.copyOf(leftOut), PARALLEL_HEADS, name -> {
                String key = key(dir.isEmpty() ? name : dir + "/" + name);
                if (store.stat(key).isEmpty() && !store.hasObjectsUnder(key + "/")) {
                    gone.add(name);
                }
            });
        } catch (StoreException e) {
            throw storeFailure("looking for what the listing of '" + dir + "' left out", e);
        }
        return gone;
    }

    private interface Head {
        RemoteEntry run() throws IOException;
    }

    /**
     * Starts {@code head} once one of the {@link #PARALLEL_HEADS} permits is free: the listing thread waits, so a
     * directory of 100,000 objects never has more than that many HEADs, threads and stacks at once. (A thread per
     * object, each waiting for a permit, filled the plugin's heap and stalled the listing for good.)
     */
    private static Future<RemoteEntry> submitBounded(ExecutorService pool, Semaphore heads, Head head)
            throws InterruptedException {
        heads.acquire();
        try {
            return pool.submit(() -> {
                try {
                    return head.run();
                } finally {
                    heads.release();
                }
            });
        } catch (RuntimeException notStarted) {
            heads.release();
            throw notStarted;
        }
    }

    private RemoteEntry fileEntry(String name, ObjectInfo listed) throws IOException {
        Optional<ObjectInfo> head = stat(listed.key());
        if (head.isEmpty()) {
            return null; // deleted since the listing
        }
        ObjectInfo info = head.get();
        PosixMetadata.Parsed attrs = PosixMetadata.parse(info.userMetadata());
        int mode = attrs.mode().orElse(PosixMetadata.S_IFREG | defaults.fileMode());
        int uid = attrs.uid().orElse(defaults.uid());
        int gid = attrs.gid().orElse(defaults.gid());
        Instant mtime = attrs.mtime().orElse(info.lastModified());
        NodeType type = NodeType.ofMode(mode);
        return switch (type) {
            case SYMLINK -> new RemoteEntry(name, NodeType.SYMLINK, 0, null, mode & 07777, uid, gid,
                    mtime, readSmall(info.key()));
            case DIRECTORY -> new RemoteEntry(name, NodeType.DIRECTORY, 0, null, mode & 07777, uid, gid,
                    mtime, null); // a directory object without trailing "/", as old s3fs versions wrote them
            // s3fs's special files: the type is in the mode, the (empty) content means nothing
            case FIFO, CHARACTER_DEVICE, BLOCK_DEVICE, SOCKET -> new RemoteEntry(name, type, 0, null, mode & 07777,
                    uid, gid, mtime, null, type.isDevice() ? attrs.rdev().orElse(0L) : 0);
            default -> new RemoteEntry(name, NodeType.FILE, info.size(), info.etag(), mode & 07777, uid, gid,
                    mtime, null);
        };
    }

    private RemoteEntry directoryEntry(String name, String markerKey) throws IOException {
        Optional<ObjectInfo> marker = stat(markerKey);
        PosixMetadata.Parsed attrs = PosixMetadata.parse(marker.map(ObjectInfo::userMetadata).orElse(Map.of()));
        Instant mtime = attrs.mtime().orElse(marker.map(ObjectInfo::lastModified).orElse(Instant.now()));
        return new RemoteEntry(name, NodeType.DIRECTORY, 0, null,
                attrs.mode().map(m -> m & 07777).orElse(defaults.dirMode()),
                attrs.uid().orElse(defaults.uid()), attrs.gid().orElse(defaults.gid()), mtime, null);
    }

    private String readSmall(String key) throws IOException {
        try (InputStream in = store.get(key, 0, 4096)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (StoreException e) {
            throw storeFailure("reading symlink object '" + key + "'", e);
        }
    }

    private Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            return store.stat(key);
        } catch (StoreException e) {
            throw storeFailure("HEAD of '" + key + "'", e);
        }
    }

    /** The cache speaks IOException; the store's failure stays attached as the cause. */
    private static IOException storeFailure(String what, StoreException e) {
        return new IOException(what + " in the bucket failed: " + e.getMessage(), e);
    }

    /**
     * Reads from the object the file was listed as, in one conditional GET (If-Match its listed ETag), so the bytes
     * are of that version or none are read. Only when that fails (the object was replaced, or a rename of the file
     * has moved it meanwhile) does it look closer: from the object of the current name, when that is the same
     * content (same ETag, or, as a server-side copy of a multipart object gets a new ETag, the same size), read
     * conditionally on the ETag it has now.
     */
    @Override
    public void fetch(String listedAs, String path, String version, long offset, long length, RangeSink into)
            throws IOException {
        if (!version.isEmpty() && copyRangeIfMatch(key(listedAs), version, offset, length, into)) {
            return;
        }
        Optional<ObjectInfo> listed = stat(key(listedAs));
        ObjectInfo source;
        if (listed.isPresent() && listed.get().etag().equals(version)) {
            source = listed.get(); // an ETag-less listing, or the object came back as it was
        } else {
            Optional<ObjectInfo> current = listedAs.equals(path) ? Optional.empty() : stat(key(path));
            if (current.isPresent() && listed.isEmpty()
                    && (current.get().etag().equals(version) || current.get().size() == into.size())) {
                source = current.get();
            } else {
                throw new RemoteContentChanged(path, listed.isPresent() ? "it was replaced" : "it was deleted");
            }
        }
        if (source.etag().isEmpty()) {
            copyRange(source.key(), offset, length, into); // a store without ETags: nothing to make it conditional on
        } else if (!copyRangeIfMatch(source.key(), source.etag(), offset, length, into)) {
            throw new RemoteContentChanged(path, "it changed while it was read");
        }
    }

    /** Copies the range if the object still has {@code etag}; false if it has another one or is gone. */
    private boolean copyRangeIfMatch(String key, String etag, long offset, long length, RangeSink into)
            throws IOException {
        InputStream in;
        try {
            in = store.getIfMatch(key, etag, offset, length);
        } catch (StoreException.PreconditionFailed | StoreException.NotFound changed) {
            return false;
        } catch (StoreException e) {
            throw storeFailure("GET of '" + key + "' bytes " + offset + "+" + length, e);
        }
        copy(in, key, offset, length, into);
        return true;
    }

    private void copyRange(String key, long offset, long length, RangeSink into) throws IOException {
        InputStream in;
        try {
            in = store.get(key, offset, length);
        } catch (StoreException.NotFound gone) {
            throw new RemoteContentChanged(key, "it was deleted");
        } catch (StoreException e) {
            throw storeFailure("GET of '" + key + "' bytes " + offset + "+" + length, e);
        }
        copy(in, key, offset, length, into);
    }

    private static void copy(InputStream stream, String key, long offset, long length, RangeSink into)
            throws IOException {
        try (InputStream in = stream) {
            byte[] buf = new byte[COPY_BUFFER];
            long at = offset;
            int n;
            while (at < offset + length && (n = in.read(buf, 0, (int) Math.min(buf.length, offset + length - at))) > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(buf, 0, n);
                while (chunk.hasRemaining()) {
                    at += into.write(chunk, at);
                }
            }
            if (at < offset + length) {
                throw new RemoteContentChanged(key, "it ended at byte " + at + ", before " + (offset + length));
            }
        }
    }

    private String key(String relativePath) {
        return prefix.isEmpty() ? relativePath : prefix + "/" + relativePath;
    }
}
