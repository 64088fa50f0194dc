package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudsync.cache.NodeType;
import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.store.FakeInMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
}
