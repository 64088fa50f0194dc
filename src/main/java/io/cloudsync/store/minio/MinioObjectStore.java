package io.cloudsync.store.minio;

import io.cloudsync.store.DirectoryListing;
import io.cloudsync.store.KeyOrder;
import io.cloudsync.store.ObjectInfo;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.PutCondition;
import io.cloudsync.store.StoreException;
import io.cloudsync.store.UserMetadata;
import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@link ObjectStore} over one bucket of an S3-compatible server, through the MinIO Java client.
 *
 * <p>Failures are classified by {@link S3ErrorClassifier}, the only place that knows S3 error codes. Every
 * upload is sent as {@code application/octet-stream} (some servers refuse a signed Content-Type that carries a
 * charset); files larger than {@link MinioTuning#partSize()} go up as multipart uploads. The HTTP client comes
 * from {@link MinioHttpClients}: no proxy, short connect timeout, so an unreachable endpoint fails in seconds.
 * Credentials come only from the {@link S3Endpoint}: nothing here reads AWS_* variables or ~/.aws files.
 * Buckets on loopback endpoints are addressed path-style (http://127.0.0.1:9000/bucket/key).
 */
public final class MinioObjectStore implements ObjectStore {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Endpoint endpoint;
    private final String bucket;
    private final MinioTuning tuning;
    private final MinioClient client;
    private final S3ErrorClassifier errors;
    private final UploadCancellations cancellations;
    private final ConditionalPuts conditionalPuts;

    private MinioObjectStore(S3Endpoint endpoint, String bucket, MinioTuning tuning) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.tuning = tuning;
        this.errors = new S3ErrorClassifier(endpoint);
        this.cancellations = new UploadCancellations(bucket);
        this.conditionalPuts = new ConditionalPuts(endpoint.describe(bucket));
        var builder = MinioClient.builder()
                .endpoint(endpoint.url().toString())
                .region(endpoint.region())
                .httpClient(MinioHttpClients.forTuning(tuning, cancellations));
        if (!endpoint.anonymous()) {
            builder.credentials(endpoint.accessKey(), endpoint.secretKey());
        }
        this.client = builder.build();
        if (endpoint.isLoopback()) {
            client.disableVirtualStyleEndpoint();
        }
    }

    /** A store for {@code bucket} at {@code endpoint}, with the default tuning. Makes no request yet. */
    public static MinioObjectStore open(S3Endpoint endpoint, String bucket) {
        return open(endpoint, bucket, MinioTuning.defaults());
    }

    /** A store for {@code bucket} at {@code endpoint}. Makes no request yet. */
    public static MinioObjectStore open(S3Endpoint endpoint, String bucket, MinioTuning tuning) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("bucket name is missing for " + endpoint.describe());
        }
        return new MinioObjectStore(endpoint, bucket, tuning);
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public String describe() {
        return endpoint.describe(bucket);
    }

    @Override
    public boolean bucketExists() throws StoreException {
        return call("check " + bucketName(),
                () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    @Override
    public void createBucket() throws StoreException {
        String action = "create " + bucketName();
        try {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            if (S3ErrorClassifier.s3Code(e).filter("BucketAlreadyOwnedByYou"::equals).isEmpty()) {
                throw errors.classify(action, e);
            }
        }
    }

    @Override
    public ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata, PutCondition condition,
                              BooleanSupplier cancelled) throws StoreException {
        String action = "upload '" + key + "' to " + bucketName() + (condition.isNone() ? "" : " " + condition);
        var metadata = UserMetadata.normalize(userMetadata);
        requireKey(key);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            // A local problem (the file is gone or unreadable): retrying the same upload will not help.
            throw new StoreException.Permanent("cannot " + action + " at " + endpoint.url()
                    + ": cannot read local file " + file + ": " + e, e);
        }
        // The server checks a condition only on a single PUT: a multipart upload's condition would belong on its
        // completion, which the client sends without extra headers.
        boolean serverChecks = !condition.isNone() && size <= tuning.partSize()
                && conditionalPuts.serverChecks(key, probeRequests());
        if (!condition.isNone() && !serverChecks) {
            requireHolds(key, condition, action);
        }
        Map<String, String> headers = serverChecks ? ConditionalPuts.headers(condition) : Map.of();
        ObjectWriteResponse response;
        try (var registration = cancellations.register(key, cancelled)) {
            response = call(action, () -> client.uploadObject(UploadObjectArgs.builder()
                    .bucket(bucket).object(key).filename(file.toString(), tuning.partSize())
                    .contentType(CONTENT_TYPE).headers(headers).userMetadata(metadata).build()));
        }
        var uploaded = new ObjectInfo(key, size, stripQuotes(response.etag()), serverTime(response), metadata);
        if (size <= tuning.partSize()) {
            return uploaded;
        }
        // A multipart upload's answer may carry another ETag than the server reports later (S3Proxy stores the
        // MD5 of the whole object): callers compare ETags to detect remote changes, so return the stored one.
        return stat(key).map(s -> new ObjectInfo(key, s.size(), s.etag(), s.lastModified(), metadata)).orElse(uploaded);
    }

    /** The condition checked by looking at the key first, where the server cannot check it with the write. */
    private void requireHolds(String key, PutCondition condition, String action) throws StoreException {
        Optional<ObjectInfo> current = stat(key);
        if (condition.holdsFor(current)) {
            return;
        }
        if (current.isEmpty()) {
            throw new StoreException.NotFound("cannot " + action + " at " + endpoint.url()
                    + ": no such object (it was deleted since it was last seen)", null);
        }
        throw new StoreException.PreconditionFailed("cannot " + action + " at " + endpoint.url()
                + ": the object is now version " + current.get().etag() + " (PreconditionFailed)", null);
    }

    private ConditionalPuts.ProbeRequests probeRequests() {
        return new ConditionalPuts.ProbeRequests() {
            @Override
            public void putEmpty(String key, Map<String, String> headers) throws StoreException {
                call("probe conditional writes with '" + key + "' in " + bucketName(),
                        () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                                .stream(new ByteArrayInputStream(new byte[0]), 0, -1)
                                .contentType(CONTENT_TYPE).headers(headers).build()));
            }

            @Override
            public void delete(String key) throws StoreException {
                MinioObjectStore.this.delete(key);
            }
        };
    }

    @Override
    public ObjectInfo putBytes(String key, byte[] bytes, Map<String, String> userMetadata) throws StoreException {
        var metadata = UserMetadata.normalize(userMetadata);
        requireKey(key);
        ObjectWriteResponse response = call("upload '" + key + "' to " + bucketName(),
                () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                        .contentType(CONTENT_TYPE).userMetadata(metadata).build()));
        return new ObjectInfo(key, bytes.length, stripQuotes(response.etag()), serverTime(response), metadata);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws StoreException {
        requireKey(key);
        try {
            return Optional.of(toInfo(key, client.statObject(
                    StatObjectArgs.builder().bucket(bucket).object(key).build())));
        } catch (Exception e) {
            // A HEAD answer has no body: a missing bucket looks like a missing key, and both mean "no such object".
            if (S3ErrorClassifier.s3Code(e).filter(c -> c.equals("NoSuchKey") || c.equals("NoSuchBucket")).isPresent()) {
                return Optional.empty();
            }
            throw errors.classify("stat '" + key + "' in " + bucketName(), e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws StoreException {
        return get(key, null, offset, length);
    }

    @Override
    public InputStream getIfMatch(String key, String etag, long offset, long length) throws StoreException {
        if (etag == null || etag.isEmpty()) {
            throw new IllegalArgumentException("a conditional read of '" + key + "' needs an ETag");
        }
        return get(key, etag, offset, length);
    }

    /** A GET of a range, conditional on the ETag when {@code etag} is not null (the server answers 412 if not). */
    private InputStream get(String key, String etag, long offset, long length) throws StoreException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        String action = "read '" + key + "' from " + bucketName();
        if (length == 0) {
            Optional<ObjectInfo> info = stat(key);
            if (info.isEmpty()) {
                throw new StoreException.NotFound("cannot " + action + " at " + endpoint.url() + ": no such object", null);
            }
            if (etag != null && !info.get().etag().equals(etag)) {
                throw new StoreException.PreconditionFailed("cannot " + action + " at " + endpoint.url()
                        + ": its ETag is " + info.get().etag() + ", not " + etag, null);
            }
            return InputStream.nullInputStream();
        }
        requireKey(key);
        try {
            var args = GetObjectArgs.builder().bucket(bucket).object(key);
            if (etag != null) {
                args.matchETag(etag);
            }
            if (offset > 0 || length > 0) {
                args.offset(offset);
            }
            if (length > 0) {
                args.length(length);
            }
            return new ContextInputStream(client.getObject(args.build()), "'" + key + "' from " + describe());
        } catch (Exception e) {
            if (S3ErrorClassifier.s3Code(e).filter("InvalidRange"::equals).isPresent()) {
                return InputStream.nullInputStream(); // offset at or past the end: nothing to read, like a file
            }
            throw errors.classify(action, e);
        }
    }

    @Override
    public void delete(String key) throws StoreException {
        String action = "delete '" + key + "' from " + bucketName();
        requireKey(key);
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            if (S3ErrorClassifier.s3Code(e).filter("NoSuchKey"::equals).isEmpty()) {
                throw errors.classify(action, e);
            }
        }
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey) throws StoreException {
        String action = "copy '" + sourceKey + "' to '" + targetKey + "' in " + bucketName();
        ObjectInfo source = stat(sourceKey).orElseThrow(() -> new StoreException.NotFound(
                "cannot " + action + " at " + endpoint.url() + ": the source does not exist", null));
        requireKey(targetKey);
        // The source must still be the object just looked at, so the returned size and metadata are its own.
        // (Some servers give no ETag for directory markers; those are copied unconditionally.)
        String etag = source.etag().isEmpty() ? null : source.etag();
        ObjectWriteResponse response;
        if (source.size() <= tuning.maxSingleCopySize()) {
            response = call(action, () -> client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(targetKey)
                    .source(CopySource.builder().bucket(bucket).object(sourceKey).matchETag(etag).build())
                    .build()));
        } else {
            // One S3 copy request stops at 5 GiB; a multipart copy does not carry metadata over, so set it again.
            response = call(action, () -> client.composeObject(ComposeObjectArgs.builder().bucket(bucket)
                    .object(targetKey)
                    .sources(List.of(ComposeSource.builder().bucket(bucket).object(sourceKey).matchETag(etag).build()))
                    .headers(Map.of("Content-Type", CONTENT_TYPE))
                    .userMetadata(source.userMetadata()).build()));
        }
        return new ObjectInfo(targetKey, source.size(), stripQuotes(response.etag()), serverTime(response),
                source.userMetadata());
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws StoreException {
        String action = "list '" + prefix + "' in " + bucketName();
        var markers = new ArrayList<String>();
        var result = call(action, () -> {
            var infos = new ArrayList<ObjectInfo>();
            // Version 1 of ListObjects, as in listDirectory: S3Proxy's version 2 tokens loop on non-ASCII keys.
            var args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                    .useApiVersion1(true).maxKeys(tuning.listPageSize()).build();
            for (Result<Item> page : client.listObjects(args)) {
                Item item = page.get();
                if (item.isDir()) {
                    // A recursive S3 listing has no common prefixes, but S3Proxy reports directory marker
                    // objects ("dir/") as prefixes (the MinIO client sends an empty delimiter): they are objects.
                    markers.add(item.objectName());
                } else {
                    infos.add(listedInfo(item));
                }
            }
            return infos;
        });
        for (String marker : markers) {
            stat(marker).ifPresent(info -> result.add(new ObjectInfo(marker, info.size(), info.etag(),
                    info.lastModified(), Map.of())));
        }
        // Servers differ in how they order non-ASCII keys; the contract is S3's order.
        result.sort(Comparator.comparing(ObjectInfo::key, KeyOrder.S3));
        return result;
    }

    @Override
    public DirectoryListing listDirectory(String prefix) throws StoreException {
        var listing = new DirectoryListing.Builder(prefix); // a bad prefix is the caller's bug, not the server's
        return call("list directory '" + prefix + "' in " + bucketName(), () -> {
            // Version 1 of ListObjects: its page marker is a key, which the client URL-decodes. S3Proxy (2.6)
            // URL-encodes the opaque version 2 continuation token as if it were a key, the client sends it back
            // as it is, and a page that ends on a non-ASCII name then starts the listing over, for ever.
            var args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(false).delimiter("/")
                    .useApiVersion1(true).maxKeys(tuning.listPageSize()).build();
            for (Result<Item> page : client.listObjects(args)) {
                Item item = page.get();
                if (item.isDir()) {
                    listing.addCommonPrefix(item.objectName());
                } else {
                    // The listed directory's own marker comes back as an object (key == prefix), and some servers
                    // report a child's marker ("prefix + name + /") as an object too: the builder drops the former
                    // and makes the latter a subdirectory.
                    listing.addObject(listedInfo(item));
                }
            }
            return listing.build();
        });
    }

    @Override
    public boolean hasObjectsUnder(String prefix) throws StoreException {
        boolean listed = call("look for objects under '" + prefix + "' in " + bucketName(), () -> {
            var args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                    .useApiVersion1(true).maxKeys(1).build();
            var first = client.listObjects(args).iterator(); // pages are asked for as the iteration reaches them
            if (!first.hasNext()) {
                return false;
            }
            first.next().get(); // the answer's error, if it was one
            return true;
        });
        // S3Proxy's filesystem backend lists nothing under "d/" when "d/" is only a marker object.
        return listed || (!prefix.isEmpty() && stat(prefix).isPresent());
    }

    @Override
    public void close() {
        // The HTTP client is shared by every store (one connection pool); nothing of this store's to release.
    }

    @Override
    public String toString() {
        return "MinioObjectStore[" + describe() + "]";
    }

    private ObjectInfo toInfo(String key, StatObjectResponse stat) {
        // Not normalize(): metadata written by other tools is shown as it is, never refused on the way in.
        return new ObjectInfo(key, stat.size(), stripQuotes(stat.etag()), stat.lastModified().toInstant(),
                stat.userMetadata());
    }

    /** An object as a listing reports it: without user metadata, which S3 listings do not carry. */
    private static ObjectInfo listedInfo(Item item) {
        Instant modified = item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant();
        return new ObjectInfo(item.objectName(), item.size(), stripQuotes(item.etag()), modified, Map.of());
    }

    private String bucketName() {
        return "bucket '" + bucket + "'";
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        return key;
    }

    private static String stripQuotes(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    /** When the server says it answered (the Date header, to the second): what S3 records as Last-Modified. */
    private static Instant serverTime(ObjectWriteResponse response) {
        var date = response.headers() == null ? null : response.headers().getDate("Date");
        return date != null ? date.toInstant() : Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private <T> T call(String action, S3Call<T> request) throws StoreException {
        try {
            return request.run();
        } catch (Exception e) {
            throw errors.classify(action, e);
        }
    }

    @FunctionalInterface
    private interface S3Call<T> {
        T run() throws Exception;
    }
}
