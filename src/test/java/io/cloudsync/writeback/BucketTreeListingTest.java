package io.cloudsync.writeback;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.cache.NodeType;
import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.cache.RemoteTree;
import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Call;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Operation;
import io.cloudsync.store.FakeInMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How objects other tools put into the bucket become files, directories and symlinks of a volume: s3fs metadata
 * where it is, the volume's uid, gid, file-mode and dir-mode and the object's Last-Modified where it is not.
 */
class BucketTreeListingTest {

    private static final BucketTree.ObjectDefaults DEFAULTS = new BucketTree.ObjectDefaults(1000, 1001, 0640, 0750);

    private final FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");

    private void put(String key, String content, Map<String, String> metadata) throws Exception {
        bucket.putBytes(key, content.getBytes(StandardCharsets.UTF_8), metadata);
    }

    private RemoteEntry only(List<RemoteEntry> entries, String name) {
        List<RemoteEntry> named = entries.stream().filter(e -> e.name().equals(name)).toList();
        assertEquals(1, named.size(), () -> name + " in " + entries);
        return named.getFirst();
    }

    @Test
    void objectsWithoutMetadataGetTheVolumeDefaultsAndTheirLastModified() throws Exception {
        put("pre/plain.txt", "plain", Map.of());
        put("pre/sub/inner.txt", "inner", Map.of());
        List<RemoteEntry> root = new BucketTree(bucket, "pre", DEFAULTS).list("", Map.of());

        RemoteEntry file = only(root, "plain.txt");
        assertEquals(NodeType.FILE, file.type());
        assertEquals(0640, file.permissions());
        assertEquals(1000, file.uid());
        assertEquals(1001, file.gid());
        assertEquals(5, file.size());
        assertEquals(bucket.stat("pre/plain.txt").orElseThrow().lastModified(), file.modifiedTime());
        RemoteEntry dir = only(root, "sub");
        assertEquals(NodeType.DIRECTORY, dir.type());
        assertEquals(0750, dir.permissions());
        assertEquals(1000, dir.uid());
        assertEquals(1001, dir.gid());
    }

    @Test
    void aNameLeftOutOfAListingIsGoneOnlyWithNothingAtItAndNothingBelowIt() throws Exception {
        put("pre/d/file", "f", Map.of());
        put("pre/d/marked/", "", Map.of("mode", "16877"));
        put("pre/d/deep/x/y", "y", Map.of());
        put("pre/d/old-s3fs-dir", "", Map.of("mode", "16872"));
        put("pre/d/gonebeside", "a name that merely starts like one left out", Map.of());

        var gone = new BucketTree(bucket, "pre", DEFAULTS).confirmGone("d",
                java.util.Set.of("file", "marked", "deep", "old-s3fs-dir", "gone"));

        assertEquals(java.util.Set.of("gone"), gone);
    }

    @Test
    void s3fsMetadataGivesModeOwnerMtimeAndTheKindOfNode() throws Exception {
        put("pre/by-s3fs", "x", Map.of("mode", "33152", "uid", "7", "gid", "8", "mtime", "1700000000"));
        put("pre/link", "by-s3fs", Map.of("mode", "41471"));
        put("pre/old-s3fs-dir", "", Map.of("mode", "16872"));
        List<RemoteEntry> root = new BucketTree(bucket, "pre", DEFAULTS).list("", Map.of());

        RemoteEntry file = only(root, "by-s3fs");
        assertEquals(List.of(NodeType.FILE, 0600, 7, 8, java.time.Instant.ofEpochSecond(1700000000)),
                List.of(file.type(), file.permissions(), file.uid(), file.gid(), file.modifiedTime()));
        RemoteEntry link = only(root, "link");
        assertEquals(NodeType.SYMLINK, link.type());
        assertEquals("by-s3fs", link.target());
        RemoteEntry oldDir = only(root, "old-s3fs-dir");
        assertEquals(NodeType.DIRECTORY, oldDir.type(), "a directory mode without a trailing '/' is a directory");
        assertEquals(0750, oldDir.permissions());
    }

    @Test
    void aNameThatIsBothAnObjectAndADirectoryShowsTheDirectory() throws Exception {
        put("pre/both", "a file", Map.of());
        put("pre/both/inner.txt", "inside", Map.of());
        List<RemoteEntry> root = new BucketTree(bucket, "pre", DEFAULTS).list("", Map.of());
        assertEquals(NodeType.DIRECTORY, only(root, "both").type());
    }

    @Test
    void anEmptyPrefixListsTheBucketRoot() throws Exception {
        put("top.txt", "top", Map.of());
        put("dir/", "", Map.of());
        List<RemoteEntry> root = new BucketTree(bucket, "", DEFAULTS).list("", Map.of());
        assertEquals(List.of("dir", "top.txt"), root.stream().map(RemoteEntry::name).sorted().toList());
        assertEquals(NodeType.DIRECTORY, only(root, "dir").type());
    }

    private List<String> keys(FakeFaultInjectingObjectStore store, Operation operation) {
        return store.calls().stream().filter(c -> c.operation() == operation).map(Call::key).sorted().toList();
    }

    @Test
    void aListingIsOneDelimitedListingThenAHeadOfEachObjectAndOfEachSubdirectorysMarker() throws Exception {
        put("pre/a.txt", "a", Map.of());
        put("pre/b.txt", "b", Map.of());
        put("pre/marked/", "", Map.of("mode", "16872"));
        put("pre/unmarked/inner.txt", "inner", Map.of());
        put("pre/unmarked/deeper/x", "x", Map.of());
        FakeFaultInjectingObjectStore counted = new FakeFaultInjectingObjectStore(bucket);

        List<RemoteEntry> root = new BucketTree(counted, "pre", DEFAULTS).list("", Map.of());

        assertEquals(List.of("a.txt", "b.txt", "marked", "unmarked"), root.stream().map(RemoteEntry::name).sorted().toList());
        assertEquals(List.of("pre/"), keys(counted, Operation.LIST_DIRECTORY), "one delimited listing, of this level only");
        assertEquals(List.of("pre/a.txt", "pre/b.txt", "pre/marked/", "pre/unmarked/"), keys(counted, Operation.STAT),
                "a HEAD of each object and of each subdirectory's marker (present or not), nothing deeper");
        assertEquals(0750, only(root, "marked").permissions(), "the marker's attributes");
        assertEquals(Map.of(Operation.LIST_DIRECTORY, 1, Operation.STAT, 4), counted.callCounts());
    }

    @Test
    void aListingRunsSixteenHeadsAtOnceAndNoMore() throws Exception {
        FakeFaultInjectingObjectStore slow = new FakeFaultInjectingObjectStore(bucket);
        CompletableFuture<List<RemoteEntry>> listing = listingWithHeadsBlocked(40, slow);
        try {
            await("16 HEADs under way").atMost(Duration.ofSeconds(5)).until(() -> slow.blockedCalls() == 16);
            await("and no 17th while they last").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> slow.blockedCalls() == 16 && slow.calls(Operation.STAT) == 16);
        } finally {
            slow.release();
        }
        assertEquals(40, listing.get(5, TimeUnit.SECONDS).size());
        assertEquals(40, slow.calls(Operation.STAT));
    }

    @Test
    void aListingOfManyObjectsHasNoMoreThreadsThanHeadsUnderWay() throws Exception {
        FakeFaultInjectingObjectStore slow = new FakeFaultInjectingObjectStore(bucket);
        CompletableFuture<List<RemoteEntry>> listing = listingWithHeadsBlocked(200, slow);
        try {
            await("16 HEADs under way").atMost(Duration.ofSeconds(5)).until(() -> slow.blockedCalls() == 16);
            // A thread per object waiting for its turn is what filled the plugin's heap with 100,000 objects.
            assertEquals(16 + 1, threadsRunning("io.cloudsync.writeback.BucketTree"),
                    "threads of the listing (its own, and one for each HEAD) while 16 HEADs are under way");
        } finally {
            slow.release();
        }
        assertEquals(200, listing.get(10, TimeUnit.SECONDS).size());
    }

    /** Puts {@code objects} objects under "pre/" and lists it through {@code slow}, whose HEADs hang until released. */
    private CompletableFuture<List<RemoteEntry>> listingWithHeadsBlocked(int objects, FakeFaultInjectingObjectStore slow)
            throws Exception {
        for (int i = 0; i < objects; i++) {
            put("pre/f" + i, "x", Map.of());
        }
        slow.block(call -> call.operation() == Operation.STAT);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new BucketTree(slow, "pre", DEFAULTS).list("", Map.of());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Threads, virtual ones included, with a frame of {@code className} on their stack (a thread dump's count). */
    private static long threadsRunning(String className) throws java.io.IOException {
        java.nio.file.Path dump = java.nio.file.Files.createTempDirectory("threads").resolve("dump.json");
        try {
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            var threads = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dump.toFile())
                    .path("threadDump").path("threadContainers").findValues("threads");
            long count = 0;
            for (var list : threads) {
                for (var thread : list) {
                    if (thread.path("stack").toString().contains(className + ".")) {
                        count++;
                    }
                }
            }
            return count;
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
            java.nio.file.Files.deleteIfExists(dump.getParent());
        }
    }

    @Test
    void aListingAgainCostsNoHeadForObjectsWhoseETagDidNotChangeNorForDirectoriesTheVolumeHas() throws Exception {
        put("pre/same.txt", "same", Map.of());
        put("pre/replaced.txt", "old", Map.of());
        put("pre/known/inner.txt", "inner", Map.of());
        String sameEtag = bucket.stat("pre/same.txt").orElseThrow().etag();
        String oldEtag = bucket.stat("pre/replaced.txt").orElseThrow().etag();
        put("pre/replaced.txt", "new content", Map.of());
        put("pre/new.txt", "new", Map.of());
        put("pre/newdir/inner.txt", "inner", Map.of());
        FakeFaultInjectingObjectStore counted = new FakeFaultInjectingObjectStore(bucket);

        List<RemoteEntry> again = new BucketTree(counted, "pre", DEFAULTS).list("", Map.of(
                "same.txt", sameEtag, "replaced.txt", oldEtag, "known", RemoteTree.DIRECTORY));

        assertEquals(List.of("pre/new.txt", "pre/newdir/", "pre/replaced.txt"), keys(counted, Operation.STAT),
                "only what is new or has another version is looked at");
        assertTrue(only(again, "same.txt").isUnchanged());
        assertTrue(only(again, "known").isUnchanged());
        assertEquals(11, only(again, "replaced.txt").size(), "the new version");
    }
}
