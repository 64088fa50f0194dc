package io.cloudsync.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ObjectStore} must do, as the write-back and fetch paths rely on it. Run against the
 * in-memory fake and against a real S3 server, so that the fake used by unit tests behaves like the real thing.
 * Each test gets a new, existing bucket.
 */
public abstract class ObjectStoreContractTest {

    /** Larger than the real store's multipart part size (16 MiB), so that it goes up in several parts. */
    protected static final int LARGE_FILE_SIZE = 40 * 1024 * 1024 + 123;

    /** A store over a new bucket, created; list pages should be small so that listing pages through results. */
    protected abstract ObjectStore newStoreWithBucket(String bucket) throws Exception;

    /** A store over a bucket that does not exist. */
    protected abstract ObjectStore newStoreWithoutBucket(String bucket) throws Exception;

    /** How many keys the store's list asks for per request (tests list more than this). */
    protected abstract int listPageSize();

    @TempDir
    protected Path tmp;
    protected ObjectStore store;

    @BeforeEach
    void openStore() throws Exception {
        store = newStoreWithBucket("contract-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void bucketExistsAndCreatingItAgainIsHarmless() throws Exception {
        assertTrue(store.bucketExists());
        store.createBucket();
        assertTrue(store.bucketExists());
    }

    @Test
    void missingBucketIsReportedAndCanBeCreated() throws Exception {
        try (ObjectStore missing = newStoreWithoutBucket("missing-" + UUID.randomUUID().toString().substring(0, 8))) {
            assertFalse(missing.bucketExists());
            var e = assertThrows(StoreException.Permanent.class, () -> missing.putBytes("k", new byte[1], Map.of()));
            assertTrue(e.getMessage().contains(missing.bucket()), e.getMessage());
            assertThrows(StoreException.Permanent.class, () -> missing.listDirectory(""));
            missing.createBucket();
            assertTrue(missing.bucketExists());
            missing.putBytes("k", new byte[] {7}, Map.of());
            assertArrayEquals(new byte[] {7}, readAll(missing, "k"));
        }
    }

    @Test
    void putBytesThenGetReturnsTheSameBytes() throws Exception {
        byte[] data = "hello, bucket\n".getBytes(StandardCharsets.UTF_8);
        ObjectInfo put = store.putBytes("dir/hello.txt", data, Map.of());
        assertEquals("dir/hello.txt", put.key());
        assertEquals(data.length, put.size());
        assertFalse(put.etag().isEmpty());
        assertFalse(put.etag().contains("\""), "etag without quotes: " + put.etag());
        assertArrayEquals(data, readAll(store, "dir/hello.txt"));
    }

    @Test
    void emptyObjectsRoundTrip() throws Exception {
        store.putBytes("empty", new byte[0], Map.of());
        Path file = Files.createFile(tmp.resolve("empty-file"));
        store.putFile("empty-file", file, Map.of());
        assertArrayEquals(new byte[0], readAll(store, "empty"));
        assertArrayEquals(new byte[0], readAll(store, "empty-file"));
        assertEquals(0, store.stat("empty-file").orElseThrow().size());
    }

    @Test
    void putFileThenGetReturnsTheSameBytes() throws Exception {
        byte[] data = randomBytes(100_000, 1);
        Path file = Files.write(tmp.resolve("small"), data);
        ObjectInfo put = store.putFile("a/small.bin", file, Map.of());
        assertEquals(data.length, put.size());
        assertArrayEquals(data, readAll(store, "a/small.bin"));
        assertEquals(put.etag(), store.stat("a/small.bin").orElseThrow().etag());
    }

    @Test
    void largeFileGoesUpInPartsAndComesBackEqual() throws Exception {
        Path file = tmp.resolve("large");
        var random = new Random(42);
        byte[] chunk = new byte[1024 * 1024];
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = LARGE_FILE_SIZE; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(left, chunk.length);
                out.write(chunk, 0, n);
                written.update(chunk, 0, n);
            }
        }
        ObjectInfo put = store.putFile("big/large.bin", file, Map.of("mode", "100644"));
        assertEquals(LARGE_FILE_SIZE, put.size());
        ObjectInfo stat = store.stat("big/large.bin").orElseThrow();
        assertEquals(LARGE_FILE_SIZE, stat.size());
        assertEquals(Map.of("mode", "100644"), stat.userMetadata());
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (InputStream in = store.get("big/large.bin", 0, -1)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.update(buffer, 0, n);
            }
        }
        assertArrayEquals(written.digest(), read.digest(), "content read back differs from the file");
        // A range across a part boundary (16 MiB) is served like any other.
        byte[] all = Files.readAllBytes(file);
        int from = 16 * 1024 * 1024 - 10;
        assertArrayEquals(java.util.Arrays.copyOfRange(all, from, from + 20), readRange(store, "big/large.bin", from, 20));
    }

    @Test
    void rangedGetsReturnTheRequestedBytesAndStopAtTheEnd() throws Exception {
        byte[] data = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        store.putBytes("r", data, Map.of());
        assertEquals("3456", new String(readRange(store, "r", 3, 4), StandardCharsets.US_ASCII));
        assertEquals("0123", new String(readRange(store, "r", 0, 4), StandardCharsets.US_ASCII));
        assertEquals("cdef", new String(readRange(store, "r", 12, -1), StandardCharsets.US_ASCII), "rest of object");
        assertEquals("ef", new String(readRange(store, "r", 14, 100), StandardCharsets.US_ASCII), "range past end");
        assertEquals("", new String(readRange(store, "r", 16, 10), StandardCharsets.US_ASCII), "offset at end");
        assertEquals("", new String(readRange(store, "r", 100, -1), StandardCharsets.US_ASCII), "offset past end");
        assertEquals("", new String(readRange(store, "r", 5, 0), StandardCharsets.US_ASCII), "zero length");
    }

    @Test
    void getOfMissingObjectIsNotFound() {
        assertThrows(StoreException.NotFound.class, () -> store.get("no/such/key", 0, -1));
        assertThrows(StoreException.NotFound.class, () -> store.get("no/such/key", 10, 5));
        assertThrows(StoreException.NotFound.class, () -> store.get("no/such/key", 0, 0));
    }

    @Test
    void aConditionalGetReadsOnlyTheVersionItNames() throws Exception {
        ObjectInfo first = store.putBytes("c", "first version".getBytes(StandardCharsets.US_ASCII), Map.of());
        try (InputStream in = store.getIfMatch("c", first.etag(), 6, 7)) {
            assertEquals("version", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        store.putBytes("c", "second version".getBytes(StandardCharsets.US_ASCII), Map.of());
        assertThrows(StoreException.PreconditionFailed.class, () -> store.getIfMatch("c", first.etag(), 6, 7));
        assertThrows(StoreException.PreconditionFailed.class, () -> store.getIfMatch("c", first.etag(), 0, -1));
        store.delete("c");
        assertThrows(StoreException.NotFound.class, () -> store.getIfMatch("c", first.etag(), 0, 4));
    }

    @Test
    void aConditionalGetOfAMultipartObjectTakesTheETagThatStatReports() throws Exception {
        Path file = Files.write(tmp.resolve("parts"), randomBytes(LARGE_FILE_SIZE, 5));
        store.putFile("big/parts.bin", file, Map.of());
        String etag = store.stat("big/parts.bin").orElseThrow().etag();
        int from = 16 * 1024 * 1024 - 3;
        try (InputStream in = store.getIfMatch("big/parts.bin", etag, from, 6)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(Files.readAllBytes(file), from, from + 6), in.readAllBytes());
        }
    }

    @Test
    void statOfMissingObjectIsEmptyAndOfPresentOneDescribesIt() throws Exception {
        assertTrue(store.stat("nothing/here").isEmpty());
        ObjectInfo put = store.putBytes("here", new byte[] {1, 2, 3}, Map.of("uid", "1000"));
        ObjectInfo stat = store.stat("here").orElseThrow();
        assertEquals("here", stat.key());
        assertEquals(3, stat.size());
        assertEquals(put.etag(), stat.etag());
        assertEquals(Map.of("uid", "1000"), stat.userMetadata());
        assertTrue(Math.abs(stat.lastModified().getEpochSecond() - System.currentTimeMillis() / 1000) < 120,
                "last modified is about now: " + stat.lastModified());
    }

    @Test
    void userMetadataRoundTripsWithLowerCaseNamesAndNoPrefix() throws Exception {
        var metadata = Map.of("Mode", "0100644", "uid", "1000", "x-amz-meta-mtime", "1700000000.123456789",
                "gid", "0");
        ObjectInfo put = store.putBytes("meta", new byte[] {1}, metadata);
        var expected = Map.of("mode", "0100644", "uid", "1000", "mtime", "1700000000.123456789", "gid", "0");
        assertEquals(expected, put.userMetadata());
        assertEquals(expected, store.stat("meta").orElseThrow().userMetadata());
    }

    @Test
    void directoryMarkersAreEmptyObjectsWithMetadata() throws Exception {
        store.putBytes("tree/empty-dir/", new byte[0], Map.of("mode", "040755"));
        store.putBytes("tree/full-dir/file", new byte[] {1}, Map.of());
        store.putBytes("tree/full-dir/", new byte[0], Map.of("mode", "040700"));
        ObjectInfo marker = store.stat("tree/empty-dir/").orElseThrow();
        assertEquals(0, marker.size());
        assertEquals(Map.of("mode", "040755"), marker.userMetadata());
        assertEquals(Map.of("mode", "040700"), store.stat("tree/full-dir/").orElseThrow().userMetadata());
        assertEquals(List.of("tree/empty-dir/", "tree/full-dir/", "tree/full-dir/file"), keys(store.list("tree/")));
        store.delete("tree/empty-dir/");
        assertEquals(List.of("tree/full-dir/", "tree/full-dir/file"), keys(store.list("tree/")));
    }

    @Test
    void metadataThatS3CannotCarryIsRefusedBeforeAnyRequest() {
        assertThrows(IllegalArgumentException.class, () -> store.putBytes("m", new byte[0], Map.of("bad name", "x")));
        assertThrows(IllegalArgumentException.class, () -> store.putBytes("m", new byte[0], Map.of("n", "caf\u00e9")));
    }

    @Test
    void overwritingReplacesContentAndMetadata() throws Exception {
        store.putBytes("o", "first".getBytes(StandardCharsets.US_ASCII), Map.of("a", "1"));
        ObjectInfo second = store.putBytes("o", "second!".getBytes(StandardCharsets.US_ASCII), Map.of("b", "2"));
        ObjectInfo stat = store.stat("o").orElseThrow();
        assertEquals(7, stat.size());
        assertEquals(second.etag(), stat.etag());
        assertEquals(Map.of("b", "2"), stat.userMetadata());
        assertEquals("second!", new String(readAll(store, "o"), StandardCharsets.US_ASCII));
    }

    @Test
    void aConditionalPutReplacesOnlyTheVersionItExpects() throws Exception {
        Path file = Files.write(tmp.resolve("mine"), "mine".getBytes(StandardCharsets.US_ASCII));
        ObjectInfo first = store.putBytes("c", "first".getBytes(StandardCharsets.US_ASCII), Map.of());
        ObjectInfo theirs = store.putBytes("c", "theirs".getBytes(StandardCharsets.US_ASCII), Map.of());

        assertThrows(StoreException.PreconditionFailed.class,
                () -> store.putFile("c", file, Map.of(), PutCondition.version(first.etag()), () -> false));
        assertThrows(StoreException.PreconditionFailed.class,
                () -> store.putFile("c", file, Map.of(), PutCondition.ABSENT, () -> false));
        assertEquals("theirs", new String(readAll(store, "c"), StandardCharsets.US_ASCII), "nothing was overwritten");

        ObjectInfo mine = store.putFile("c", file, Map.of(), PutCondition.version(theirs.etag()), () -> false);
        assertEquals("mine", new String(readAll(store, "c"), StandardCharsets.US_ASCII));
        assertEquals(mine.etag(), store.stat("c").orElseThrow().etag());
    }

    @Test
    void aConditionalPutOfANewObjectOrOfADeletedOneSaysWhatItFound() throws Exception {
        Path file = Files.write(tmp.resolve("new"), "new".getBytes(StandardCharsets.US_ASCII));
        store.putFile("fresh", file, Map.of(), PutCondition.ABSENT, () -> false);
        assertEquals("new", new String(readAll(store, "fresh"), StandardCharsets.US_ASCII));

        ObjectInfo gone = store.putBytes("gone", new byte[] {1}, Map.of());
        store.delete("gone");
        assertThrows(StoreException.NotFound.class,
                () -> store.putFile("gone", file, Map.of(), PutCondition.version(gone.etag()), () -> false));
        assertFalse(store.stat("gone").isPresent(), "a failed conditional put writes nothing");
    }

    @Test
    void aConditionalPutOfALargeFileAlsoRefusesAnUnseenVersion() throws Exception {
        Path file = tmp.resolve("large");
        byte[] data = randomBytes(LARGE_FILE_SIZE, 5);
        Files.write(file, data);
        ObjectInfo seen = store.putBytes("big", new byte[] {1}, Map.of());
        store.putBytes("big", new byte[] {2}, Map.of());
        assertThrows(StoreException.PreconditionFailed.class,
                () -> store.putFile("big", file, Map.of(), PutCondition.version(seen.etag()), () -> false));
        assertArrayEquals(new byte[] {2}, readAll(store, "big"));
    }

    @Test
    void conditionalPutsLeaveNoProbeObjectBehind() throws Exception {
        Path file = Files.write(tmp.resolve("p"), new byte[] {1});
        store.putFile("dir/p", file, Map.of(), PutCondition.ABSENT, () -> false);
        assertEquals(List.of("dir/p"), store.list("").stream().map(ObjectInfo::key).toList());
    }

    @Test
    void deleteRemovesAndDeletingAMissingObjectIsFine() throws Exception {
        store.putBytes("d/x", new byte[] {1}, Map.of());
        store.delete("d/x");
        assertTrue(store.stat("d/x").isEmpty());
        store.delete("d/x");
        store.delete("never/existed");
    }

    @Test
    void copyKeepsBytesAndMetadataAndLeavesTheSource() throws Exception {
        byte[] data = randomBytes(5000, 2);
        ObjectInfo source = store.putBytes("src/file", data, Map.of("mode", "0100600", "mtime", "42"));
        ObjectInfo copy = store.copy("src/file", "dst/renamed");
        assertEquals("dst/renamed", copy.key());
        assertEquals(data.length, copy.size());
        assertEquals(Map.of("mode", "0100600", "mtime", "42"), copy.userMetadata());
        ObjectInfo stat = store.stat("dst/renamed").orElseThrow();
        assertEquals(source.etag(), stat.etag(), "a single-part copy has the same content hash");
        assertEquals(copy.etag(), stat.etag(), "the copy's answer is what stat says later");
        assertEquals(Map.of("mode", "0100600", "mtime", "42"), stat.userMetadata());
        assertArrayEquals(data, readAll(store, "dst/renamed"));
        assertArrayEquals(data, readAll(store, "src/file"));
    }

    @Test
    void copyOfMissingObjectIsNotFound() {
        assertThrows(StoreException.NotFound.class, () -> store.copy("no/source", "target"));
    }

    @Test
    void listIsRecursiveInKeyOrderAndLimitedToThePrefix() throws Exception {
        for (String key : List.of("vol/b.txt", "vol/a/deep/x", "vol/a/y", "vol/dir/", "vol2/other", "vo", "vol/c")) {
            store.putBytes(key, key.getBytes(StandardCharsets.UTF_8), Map.of("k", "v"));
        }
        List<ObjectInfo> listed = store.list("vol/");
        assertEquals(List.of("vol/a/deep/x", "vol/a/y", "vol/b.txt", "vol/c", "vol/dir/"), keys(listed));
        ObjectInfo b = listed.get(2);
        assertEquals("vol/b.txt".length(), b.size());
        assertEquals(store.stat("vol/b.txt").orElseThrow().etag(), b.etag());
        assertTrue(b.userMetadata().isEmpty(), "listings carry no user metadata");
        assertEquals(List.of(), store.list("nothing/"));
        assertEquals(7, store.list("").size());
    }

    @Test
    void listPagesThroughMoreKeysThanOnePage() throws Exception {
        int count = listPageSize() * 3 + 2;
        var expected = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            String key = String.format("many/%04d", i);
            store.putBytes(key, new byte[] {(byte) i}, Map.of());
            expected.add(key);
        }
        store.putBytes("many-not/0", new byte[0], Map.of());
        assertEquals(expected, keys(store.list("many/")));
    }

    @Test
    @Timeout(60) // a server whose pages do not advance would otherwise keep the listing going for ever
    void listPagesThroughPagesThatEndOnNonAsciiKeys() throws Exception {
        int count = listPageSize() * 2 + 1;
        var expected = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            String key = String.format("n/\u00fc%04d", i);
            store.putBytes(key, new byte[] {(byte) i}, Map.of());
            expected.add(key);
        }
        assertEquals(expected, keys(store.list("n/")));
    }

    @Test
    void keysWithSpacesAndUnicodeRoundTripAndSortByCodePoint() throws Exception {
        List<String> names = List.of("u/with space.txt", "u/plus+sign&amp=%20.txt", "u/\u00fcnic\u00f6de \u20ac.txt",
                "u/\uD83D\uDE00smile", "u/\uFF5Ewide");
        for (String key : names) {
            store.putBytes(key, key.getBytes(StandardCharsets.UTF_8), Map.of());
        }
        for (String key : names) {
            assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), readAll(store, key), key);
        }
        // UTF-8 byte order: U+FF5E sorts before U+1F600, although Java's UTF-16 order says otherwise.
        assertEquals(List.of("u/plus+sign&amp=%20.txt", "u/with space.txt", "u/\u00fcnic\u00f6de \u20ac.txt",
                "u/\uFF5Ewide", "u/\uD83D\uDE00smile"), keys(store.list("u/")));
    }

    @Test
    void listDirectoryShowsOneLevelOfObjectsAndSubdirectories() throws Exception {
        // (Not here: an object "a/f" next to "a/f/x", which S3 allows but S3Proxy's filesystem backend cannot store.)
        for (String key : List.of("top.txt", "a/", "a/b.txt", "a/deep/x/y", "ab/other")) {
            store.putBytes(key, key.getBytes(StandardCharsets.UTF_8), Map.of("mode", "0100644"));
        }
        store.putBytes("a/empty/", new byte[0], Map.of("mode", "040755"));

        DirectoryListing root = store.listDirectory("");
        assertEquals(List.of("top.txt"), keys(root.objects()));
        assertEquals(List.of("a", "ab"), root.subdirectories());

        DirectoryListing a = store.listDirectory("a/");
        assertEquals(List.of("a/b.txt"), keys(a.objects()), "not the listed directory's own marker \"a/\"");
        assertEquals(List.of("deep", "empty"), a.subdirectories(),
                "a directory known by a deeper object, and one known only by its marker");
        ObjectInfo b = a.objects().getFirst();
        ObjectInfo stat = store.stat("a/b.txt").orElseThrow();
        assertEquals("a/b.txt".length(), b.size());
        assertEquals(stat.etag(), b.etag());
        assertEquals(stat.lastModified().getEpochSecond(), b.lastModified().getEpochSecond());
        assertTrue(b.userMetadata().isEmpty(), "listings carry no user metadata");

        assertEquals(new DirectoryListing(List.of(), List.of("x")), store.listDirectory("a/deep/"));
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory("a/empty/"),
                "an empty directory's own marker is not an entry of it");
    }

    @Test
    void listDirectoryOfNothingIsEmpty() throws Exception {
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory(""), "empty bucket");
        store.putBytes("present/file", new byte[] {1}, Map.of());
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory("missing/"));
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory("present/file/"));
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory("pres/"));
    }

    @Test
    void hasObjectsUnderFindsADeepObjectOrAMarkerAndNothingBesideThePrefix() throws Exception {
        for (int i = 0; i < 3; i++) {
            store.putBytes("full/f" + i, new byte[] {1}, Map.of());
        }
        store.putBytes("deep/a/b/c", new byte[] {1}, Map.of());
        store.putBytes("marked/", new byte[0], Map.of("mode", "040755"));
        store.putBytes("besides", new byte[] {1}, Map.of());

        assertTrue(store.hasObjectsUnder("full/"));
        assertTrue(store.hasObjectsUnder("deep/"), "an object three levels down");
        assertTrue(store.hasObjectsUnder("marked/"), "a directory that holds only its marker");
        assertFalse(store.hasObjectsUnder("beside/"), "\"besides\" does not start with \"beside/\"");
        assertFalse(store.hasObjectsUnder("missing/"));
        store.delete("marked/");
        assertFalse(store.hasObjectsUnder("marked/"), "gone with its marker");
    }

    @Test
    void listDirectoryRefusesAPrefixThatIsNotADirectory() {
        assertThrows(IllegalArgumentException.class, () -> store.listDirectory("vol"));
        assertThrows(IllegalArgumentException.class, () -> store.listDirectory("vol/a"));
    }

    @Test
    @Timeout(60) // a server whose pages do not advance would otherwise keep the listing going for ever
    void listDirectoryPagesThroughMoreEntriesThanOnePage() throws Exception {
        int count = listPageSize() * 3 + 2;
        var expectedObjects = new ArrayList<String>();
        var expectedDirectories = new ArrayList<String>();
        store.putBytes("p/", new byte[0], Map.of());
        for (int i = 0; i < count; i++) {
            // Files, directories with several objects (one common prefix for many keys) and bare markers, mixed
            // so that pages end inside each kind; every name starts non-ASCII, so every page ends on such a name.
            switch (i % 3) {
                case 0 -> {
                    String key = String.format("p/\u00e4%04d-file", i);
                    store.putBytes(key, new byte[] {(byte) i}, Map.of());
                    expectedObjects.add(key);
                }
                case 1 -> {
                    String name = String.format("\u00e4%04d-dir", i);
                    store.putBytes("p/" + name + "/x", new byte[0], Map.of());
                    store.putBytes("p/" + name + "/y/z", new byte[0], Map.of());
                    expectedDirectories.add(name);
                }
                default -> {
                    String name = String.format("\u00e4%04d-marker", i);
                    store.putBytes("p/" + name + "/", new byte[0], Map.of());
                    expectedDirectories.add(name);
                }
            }
        }
        store.putBytes("p-not/0", new byte[0], Map.of());
        DirectoryListing listing = store.listDirectory("p/");
        assertEquals(expectedObjects, keys(listing.objects()));
        assertEquals(expectedDirectories, listing.subdirectories());
    }

    @Test
    @Timeout(60)
    void listDirectoryKeepsSpacesAndUnicodeInNamesAndSortsByCodePoint() throws Exception {
        for (String key : List.of("u/with space.txt", "u/\u00fcnic\u00f6de \u20ac.txt", "u/plus+sign&amp=%20.txt",
                "u/dir with space/x", "u/\u00e4rger/", "u/\uD83D\uDE00smile/x", "u/\uFF5Ewide/x", "u/a+b%2F/c")) {
            store.putBytes(key, new byte[] {1}, Map.of());
        }
        DirectoryListing listing = store.listDirectory("u/");
        assertEquals(List.of("u/plus+sign&amp=%20.txt", "u/with space.txt", "u/\u00fcnic\u00f6de \u20ac.txt"),
                keys(listing.objects()));
        // UTF-8 byte order: U+FF5E sorts before U+1F600, although Java's UTF-16 order says otherwise.
        assertEquals(List.of("a+b%2F", "dir with space", "\u00e4rger", "\uFF5Ewide", "\uD83D\uDE00smile"),
                listing.subdirectories());
        assertEquals(List.of("u/dir with space/x"), keys(store.listDirectory("u/dir with space/").objects()));
        assertEquals(List.of("u/\uD83D\uDE00smile/x"), keys(store.listDirectory("u/\uD83D\uDE00smile/").objects()));
        assertEquals(new DirectoryListing(List.of(), List.of()), store.listDirectory("u/\u00e4rger/"));
    }

    protected static List<String> keys(List<ObjectInfo> infos) {
        return infos.stream().map(ObjectInfo::key).toList();
    }

    protected static byte[] readAll(ObjectStore store, String key) throws StoreException, IOException {
        return readRange(store, key, 0, -1);
    }

    protected static byte[] readRange(ObjectStore store, String key, long offset, long length)
            throws StoreException, IOException {
        try (InputStream in = store.get(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
