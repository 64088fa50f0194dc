package io.cloudsync.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.TreeMap;

/**
 * An {@link ObjectStore} in memory, for unit tests, with the semantics of a real S3 bucket as the contract test
 * pins them down: ETags are the MD5 of the content, Last-Modified is to the second, listings are in code point
 * (UTF-8 byte) order and carry no user metadata, reads past the end are empty, deleting a missing object is
 * fine, and object operations on a missing bucket fail as {@link StoreException.Permanent}. Thread-safe: every
 * method holds the store's lock, so it also serves as a simple linearizable reference.
 */
public final class FakeInMemoryObjectStore implements ObjectStore {

    private record Stored(byte[] data, String etag, Instant lastModified, Map<String, String> metadata) {
        ObjectInfo info(String key) {
            return new ObjectInfo(key, data.length, etag, lastModified, metadata);
        }
    }

    private final String bucket;
    private final Clock clock;
    private final NavigableMap<String, Stored> objects = new TreeMap<>(KeyOrder.S3);
    private boolean bucketExists;

    /** A store whose bucket exists. */
    public FakeInMemoryObjectStore(String bucket) {
        this(bucket, true, Clock.systemUTC());
    }

    /** A store whose bucket exists only if {@code bucketExists}; {@code clock} stamps Last-Modified. */
    public FakeInMemoryObjectStore(String bucket, boolean bucketExists, Clock clock) {
        this.bucket = bucket;
        this.bucketExists = bucketExists;
        this.clock = clock;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public String describe() {
        return "in-memory bucket '" + bucket + "'";
    }

    @Override
    public synchronized boolean bucketExists() {
        return bucketExists;
    }

    @Override
    public synchronized void createBucket() {
        bucketExists = true;
    }

    @Override
    public synchronized ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata,
                                           PutCondition condition, BooleanSupplier cancelled) throws StoreException {
        Optional<ObjectInfo> current = Optional.ofNullable(objects.get(key)).map(o -> o.info(key));
        if (!condition.holdsFor(current)) {
            String why = "upload of '" + key + "' " + condition + " to " + describe();
            throw current.isEmpty() ? new StoreException.NotFound(why + ": no such object", null)
                    : new StoreException.PreconditionFailed(why + ": it is " + current.get().etag(), null);
        }
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StoreException.Permanent("cannot upload '" + key + "' to " + describe()
                    + ": cannot read local file " + file + ": " + e, e);
        }
        if (cancelled.getAsBoolean()) {
            throw new StoreException.Transient("upload of '" + key + "' to " + describe() + " cancelled", null);
        }
        return putBytes(key, data, userMetadata);
    }

    @Override
    public synchronized ObjectInfo putBytes(String key, byte[] bytes, Map<String, String> userMetadata)
            throws StoreException {
        var metadata = UserMetadata.normalize(userMetadata);
        requireBucket("upload '" + requireKey(key) + "'");
        var stored = new Stored(bytes.clone(), md5(bytes), now(), metadata);
        objects.put(key, stored);
        return stored.info(key);
    }

    @Override
    public synchronized Optional<ObjectInfo> stat(String key) {
        Stored stored = bucketExists ? objects.get(requireKey(key)) : null;
        return Optional.ofNullable(stored).map(s -> s.info(key));
    }

    @Override
    public synchronized InputStream get(String key, long offset, long length) throws StoreException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        requireBucket("read '" + requireKey(key) + "'");
        Stored stored = objects.get(key);
        if (stored == null) {
            throw new StoreException.NotFound("cannot read '" + key + "' from " + describe() + ": no such object", null);
        }
        int from = (int) Math.min(offset, stored.data.length);
        int to = length < 0 ? stored.data.length : (int) Math.min(stored.data.length, offset + length);
        return new ByteArrayInputStream(Arrays.copyOfRange(stored.data, from, Math.max(from, to)));
    }

    @Override
    public synchronized InputStream getIfMatch(String key, String etag, long offset, long length)
            throws StoreException {
        Stored stored = bucketExists ? objects.get(requireKey(key)) : null;
        if (stored != null && !stored.etag.equals(etag)) {
            throw new StoreException.PreconditionFailed("cannot read '" + key + "' from " + describe()
                    + ": its ETag is " + stored.etag + ", not " + etag, null);
        }
        return get(key, offset, length);
    }

    @Override
    public synchronized void delete(String key) throws StoreException {
        requireBucket("delete '" + requireKey(key) + "'");
        objects.remove(key);
    }

    @Override
    public synchronized ObjectInfo copy(String sourceKey, String targetKey) throws StoreException {
        requireBucket("copy '" + requireKey(sourceKey) + "' to '" + requireKey(targetKey) + "'");
        Stored source = objects.get(sourceKey);
        if (source == null) {
            throw new StoreException.NotFound("cannot copy '" + sourceKey + "' to '" + targetKey + "' in "
                    + describe() + ": the source does not exist", null);
        }
        var copy = new Stored(source.data, source.etag, now(), source.metadata);
        objects.put(targetKey, copy);
        return copy.info(targetKey);
    }

    @Override
    public synchronized List<ObjectInfo> list(String prefix) throws StoreException {
        requireBucket("list '" + prefix + "'");
        var result = new ArrayList<ObjectInfo>();
        for (var entry : objects.tailMap(prefix, true).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            Stored s = entry.getValue();
            result.add(new ObjectInfo(entry.getKey(), s.data.length, s.etag, s.lastModified, Map.of()));
        }
        return result;
    }

    @Override
    public synchronized DirectoryListing listDirectory(String prefix) throws StoreException {
        var listing = new DirectoryListing.Builder(prefix);
        requireBucket("list directory '" + prefix + "'");
        // Every key below the prefix, deeper ones included: the builder folds those into their first name, as
        // a delimited S3 listing folds them into common prefixes.
        for (var entry : objects.tailMap(prefix, true).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            Stored s = entry.getValue();
            listing.addObject(new ObjectInfo(entry.getKey(), s.data.length, s.etag, s.lastModified, Map.of()));
        }
        return listing.build();
    }

    @Override
    public synchronized boolean hasObjectsUnder(String prefix) throws StoreException {
        requireBucket("look for objects under '" + prefix + "'");
        String first = objects.ceilingKey(prefix);
        return first != null && first.startsWith(prefix);
    }

    /** The content of an object, for assertions; empty if there is none. */
    public synchronized Optional<byte[]> content(String key) {
        return Optional.ofNullable(objects.get(key)).map(s -> s.data.clone());
    }

    /** Every key, in key order, for assertions. */
    public synchronized List<String> keys() {
        return List.copyOf(objects.keySet());
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "FakeInMemoryObjectStore[" + bucket + "]";
    }

    private void requireBucket(String action) throws StoreException {
        if (!bucketExists) {
            throw new StoreException.Permanent("cannot " + action + " in " + describe()
                    + ": the bucket does not exist (NoSuchBucket)", null);
        }
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        return key;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
