package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import io.cloudsync.store.DirectoryListing;
import io.cloudsync.store.FakeInMemoryObjectStore;
import io.cloudsync.store.ObjectInfo;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.PutCondition;
import io.cloudsync.store.StoreException;
import io.cloudsync.writeback.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file large enough for a multipart upload, renamed and then changed: on S3 the server-side copy of a multipart
 * object gets a new ETag (the MD5 of the whole content instead of the "md5-of-parts-N" form), so the renamed file
 * must take the copy's ETag as the version it equals, or its next upload would see "another tool's" version at its
 * name and keep the volume's change beside it as a conflict. S3Proxy gives the copy the same ETag, so this is shown
 * over an in-memory bucket that gives ETags as S3 does.
 */
class RenamedLargeFileUploadTest {

    private static final int PART_SIZE = 1 << 20;

    @TempDir
    Path tmp;
    Journal journal;
    VolumeCache cache;
    FakeMultipartETagStore store;
    Uploader uploader;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        cache = new VolumeCache(tmp.resolve("data"), journal, false);
        store = new FakeMultipartETagStore(new FakeInMemoryObjectStore("bkt"), PART_SIZE);
        uploader = new Uploader("vol", journal, store, "pre", new CacheUploadSource(cache), Duration.ofHours(1), 2);
        uploader.start();
    }

    @AfterEach
    void close() throws IOException {
        uploader.close();
        cache.closeOpenFiles();
        journal.close();
    }

    private void flush() throws InterruptedException {
        assertTrue(uploader.flush(Duration.ofSeconds(20)), () -> "still pending: " + uploader.status());
    }

    private void writeAt(String path, byte[] bytes, long offset, boolean create) throws IOException {
        long h = create ? cache.create(path, 0644, null, Set.of())
                : cache.open(path, Set.of(StandardOpenOption.WRITE));
        cache.write(h, ByteBuffer.wrap(bytes), offset);
        cache.release(h);
    }

    @Test
    void aLargeFileRenamedThenChangedGoesUpOverItsCopyWithoutAConflict() throws Exception {
        byte[] big = new byte[PART_SIZE + PART_SIZE / 2];
        new Random(5).nextBytes(big);
        writeAt("/big.bin", big, 0, true);
        flush();
        String uploaded = store.stat("pre/big.bin").orElseThrow().etag();

        cache.rename("/big.bin", "/moved.bin", false);
        flush();
        assertNotEquals(uploaded, store.stat("pre/moved.bin").orElseThrow().etag(), "the copy has an ETag of its own");

        writeAt("/moved.bin", "tail".getBytes(), big.length, false);
        flush();

        assertEquals(0, uploader.status().conflicts(), () -> "the volume's own copy was taken for another tool's: "
                + uploader.status().lastConflict());
        assertEquals(List.of("pre/moved.bin"), store.delegate.keys());
        byte[] expected = Arrays.copyOf(big, big.length + 4);
        System.arraycopy("tail".getBytes(), 0, expected, big.length, 4);
        assertArrayEquals(expected, store.delegate.content("pre/moved.bin").orElseThrow());
        assertEquals(List.of("moved.bin"), listData());
    }

    private List<String> listData() throws IOException {
        try (var files = Files.list(tmp.resolve("data"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A fake bucket that gives ETags as S3 does: a file larger than {@code partSize} goes up in parts and gets the
     * multipart form "md5-N"; anything else, server-side copies included, gets the MD5 of its content.
     */
    static final class FakeMultipartETagStore implements ObjectStore {

        final FakeInMemoryObjectStore delegate;
        private final long partSize;
        private final Map<String, Integer> partsByKey = new ConcurrentHashMap<>();

        FakeMultipartETagStore(FakeInMemoryObjectStore delegate, long partSize) {
            this.delegate = delegate;
            this.partSize = partSize;
        }

        private ObjectInfo asStored(ObjectInfo info) {
            Integer parts = partsByKey.get(info.key());
            return parts == null ? info
                    : new ObjectInfo(info.key(), info.size(), info.etag() + "-" + parts, info.lastModified(),
                            info.userMetadata());
        }

        @Override
        public String bucket() {
            return delegate.bucket();
        }

        @Override
        public String describe() {
            return "fake multipart " + delegate.describe();
        }

        @Override
        public boolean bucketExists() {
            return delegate.bucketExists();
        }

        @Override
        public void createBucket() {
            delegate.createBucket();
        }

        @Override
        public ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata, PutCondition condition,
                BooleanSupplier cancelled) throws StoreException {
            ObjectInfo put = delegate.putFile(key, file, userMetadata, inDelegateTerms(key, condition), cancelled);
            if (put.size() > partSize) {
                partsByKey.put(key, (int) ((put.size() + partSize - 1) / partSize));
            } else {
                partsByKey.remove(key);
            }
            return asStored(put);
        }

        @Override
        public ObjectInfo putBytes(String key, byte[] bytes, Map<String, String> userMetadata) throws StoreException {
            partsByKey.remove(key);
            return delegate.putBytes(key, bytes, userMetadata);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return delegate.stat(key).map(this::asStored);
        }

        @Override
        public InputStream get(String key, long offset, long length) throws StoreException {
            return delegate.get(key, offset, length);
        }

        @Override
        public InputStream getIfMatch(String key, String etag, long offset, long length) throws StoreException {
            return delegate.getIfMatch(key, delegateETag(key, etag), offset, length);
        }

        /** The delegate knows the plain MD5: a multipart-form ETag this fake gave out is stripped back to it. */
        private String delegateETag(String key, String etag) {
            Integer parts = partsByKey.get(key);
            String suffix = "-" + parts;
            return parts != null && etag.endsWith(suffix) ? etag.substring(0, etag.length() - suffix.length()) : etag;
        }

        private PutCondition inDelegateTerms(String key, PutCondition condition) {
            return condition.etag() == null ? condition : PutCondition.version(delegateETag(key, condition.etag()));
        }

        @Override
        public void delete(String key) throws StoreException {
            delegate.delete(key);
            partsByKey.remove(key);
        }

        @Override
        public ObjectInfo copy(String sourceKey, String targetKey) throws StoreException {
            partsByKey.remove(targetKey);
            return delegate.copy(sourceKey, targetKey);
        }

        @Override
        public List<ObjectInfo> list(String prefix) throws StoreException {
            return delegate.list(prefix).stream().map(this::asStored).toList();
        }

        @Override
        public DirectoryListing listDirectory(String prefix) throws StoreException {
            DirectoryListing l = delegate.listDirectory(prefix);
            return new DirectoryListing(l.objects().stream().map(this::asStored).toList(), l.subdirectories());
        }

        @Override
        public boolean hasObjectsUnder(String prefix) throws StoreException {
            return delegate.hasObjectsUnder(prefix);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
