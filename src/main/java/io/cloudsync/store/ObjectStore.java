package io.cloudsync.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One bucket of an S3-compatible object store, as the write-back and fetch paths need it.
 *
 * <p>Keys are full object keys (the volume's prefix included). Every failure is a {@link StoreException}
 * whose subtype says what a caller can do about it: retry ({@link StoreException.Transient}), give up
 * ({@link StoreException.Permanent}), or treat it as an answer ({@link StoreException.NotFound},
 * {@link StoreException.PreconditionFailed}). Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /** The bucket this store reads and writes. */
    String bucket();

    /** A human-readable name of where the bucket lives (endpoint and bucket), for error messages; never a secret. */
    String describe();

    /** Whether the bucket exists; fails if the endpoint cannot be reached or refuses the credentials. */
    boolean bucketExists() throws StoreException;

    /** Creates the bucket; succeeds if it already exists and is ours. */
    void createBucket() throws StoreException;

    /**
     * Uploads the whole file as object {@code key}, with the given user metadata (names without the x-amz-meta-
     * prefix; see {@link UserMetadata#normalize} for what is accepted). Large files go up in parts. The file must
     * not change while it uploads: the size is taken once at the start. The returned {@code lastModified} is the
     * server's clock at the upload (exact to the second); {@link #stat} gives the stored value.
     */
    default ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata) throws StoreException {
        return putFile(key, file, userMetadata, () -> false);
    }

    /**
     * As {@link #putFile(String, Path, Map)}, stopped when {@code cancelled} turns true while the data is sent:
     * then it fails (as a {@link StoreException.Transient}) and the store keeps what it had. A cancellation that
     * comes after the last byte was sent is too late: the upload then completes.
     */
    default ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata, BooleanSupplier cancelled)
            throws StoreException {
        return putFile(key, file, userMetadata, PutCondition.NONE, cancelled);
    }

    /**
     * As {@link #putFile(String, Path, Map, BooleanSupplier)}, only if {@code condition} holds at the key (see
     * {@link PutCondition} for how it fails otherwise). Where the server checks conditional writes, the check and
     * the write are one step; where it cannot (a server that ignores the headers, a multipart upload) the store
     * looks at the key just before the upload, which leaves a short window.
     */
    ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata, PutCondition condition,
                       BooleanSupplier cancelled) throws StoreException;

    /** Uploads {@code bytes} as object {@code key} (small objects: directory markers, symlinks); as {@link #putFile}. */
    ObjectInfo putBytes(String key, byte[] bytes, Map<String, String> userMetadata) throws StoreException;

    /** Metadata of one object, or empty if there is none. */
    Optional<ObjectInfo> stat(String key) throws StoreException;

    /**
     * Reads {@code length} bytes from {@code offset} (the rest of the object if length is negative); fewer if the
     * object ends first, none if {@code offset} is at or past its end. Caller closes. A failure while reading the
     * stream is an {@link java.io.IOException} that names the object.
     *
     * @throws StoreException.NotFound if there is no such object
     */
    InputStream get(String key, long offset, long length) throws StoreException;

    /**
     * As {@link #get}, only if the object still has ETag {@code etag} (an S3 conditional GET, If-Match): the bytes
     * come from that version or not at all, in one request, with no window between a check and the read.
     *
     * @throws StoreException.PreconditionFailed if the object has another ETag now
     * @throws StoreException.NotFound            if there is no such object
     */
    InputStream getIfMatch(String key, String etag, long offset, long length) throws StoreException;

    /** Deletes one object; deleting a missing object is not an error (S3 semantics). */
    void delete(String key) throws StoreException;

    /**
     * Server-side copy of one object, metadata included.
     *
     * @throws StoreException.NotFound if the source does not exist
     */
    ObjectInfo copy(String sourceKey, String targetKey) throws StoreException;

    /**
     * Every object whose key starts with {@code prefix}, recursively, in key order (the order of Unicode code
     * points, which is S3's UTF-8 byte order), paging through the server's answers. As S3 listings carry no
     * user metadata, the returned infos have an empty {@code userMetadata}: {@link #stat} an object for it.
     */
    List<ObjectInfo> list(String prefix) throws StoreException;

    /**
     * One level below {@code prefix}, as a directory listing needs it: an S3 listing with delimiter "/", paging
     * through the server's answers. {@code prefix} is empty (the bucket's root) or ends with "/".
     *
     * <ul>
     *   <li>{@code objects}: the objects directly under the prefix (key = prefix + name, the name without "/"),
     *       in key order ({@link KeyOrder#S3}), with size, ETag and Last-Modified; as S3 listings carry no user
     *       metadata, their {@code userMetadata} is empty. The marker object of the listed directory itself
     *       (key equal to {@code prefix}) is not among them.</li>
     *   <li>{@code subdirectories}: the child names (without the prefix, without the trailing "/") of every
     *       common prefix, which includes every directory marker object "prefix + name + /": a child directory
     *       shows whether it holds objects or only its marker. Sorted by {@link KeyOrder#S3}, no duplicates.
     *       Keys with an empty segment ("prefix//x") show no subdirectory: no name could be shown for it.</li>
     * </ul>
     *
     * <p>A name may be in both lists (objects "a" and "a/x" both exist); callers decide what that means. A prefix
     * with nothing under it, or a missing one, gives two empty lists.
     *
     * @throws IllegalArgumentException if {@code prefix} is neither empty nor ends with "/"
     */
    DirectoryListing listDirectory(String prefix) throws StoreException;

    /**
     * Whether any object's key starts with {@code prefix} (a directory marker equal to it included), asked in one
     * request for one key however many there are: a directory that a listing left out is looked for with it before
     * the volume takes it for deleted.
     */
    boolean hasObjectsUnder(String prefix) throws StoreException;

    @Override
    void close();
}
