package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.cache.DirEntry;
import io.cloudsync.cache.NodeAttributes;
import io.cloudsync.cache.NodeType;
import io.cloudsync.cache.Owner;
import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import io.cloudsync.store.FakeInMemoryObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIFOs, devices and sockets through the bucket and back, without FUSE: the uploader stores them as empty objects
 * whose metadata says what they are (s3fs's mode, plus rdev for devices), and a new volume over those objects makes
 * the same nodes again without uploading anything back.
 */
class SpecialFileObjectsTest {

    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFSOCK = 0140000;
    private static final long DEV_NULL = 0x103; // makedev(1, 3)

    @TempDir
    Path tmp;

    @Test
    void specialFilesGoUpAsEmptyObjectsAndANewVolumeMakesThemAgain() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        try (VolumeUnderTest v = new VolumeUnderTest(tmp.resolve("first"), bucket, Duration.ZERO)) {
            v.cache.mknod("pipe", S_IFIFO | 0640, 0, new Owner(1000, 1001));
            v.cache.mknod("null", S_IFCHR | 0666, DEV_NULL, null);
            v.cache.mknod("sock", S_IFSOCK | 0755, 0, null);
            assertTrue(v.flush(), "uploaded");
        }

        assertArrayEquals(new byte[0], bucket.content("pre/pipe").orElseThrow());
        Map<String, String> pipe = bucket.stat("pre/pipe").orElseThrow().userMetadata();
        assertEquals("4512", pipe.get("mode"));
        assertEquals("1000", pipe.get("uid"));
        assertEquals("1001", pipe.get("gid"));
        assertFalse(pipe.containsKey("rdev"));
        Map<String, String> devNull = bucket.stat("pre/null").orElseThrow().userMetadata();
        assertEquals("8630", devNull.get("mode"));
        assertEquals("100000003", devNull.get("rdev"));
        assertEquals("49645", bucket.stat("pre/sock").orElseThrow().userMetadata().get("mode"));

        try (Journal journal = Journal.open(tmp.resolve("second/journal"))) {
            Path data = tmp.resolve("second/data");
            VolumeCache.markRootUnlisted(data);
            VolumeCache fresh = new VolumeCache(data, journal, false,
                    new BucketTree(bucket, "pre", new BucketTree.ObjectDefaults(0, 0, 0644, 0755)));
            assertEquals(List.of("null", "pipe", "sock"),
                    fresh.list("/").stream().map(DirEntry::name).sorted().toList());
            NodeAttributes p = fresh.attributes("/pipe");
            assertEquals(NodeType.FIFO, p.type());
            assertEquals(0640, p.permissions());
            assertEquals(1000, p.uid());
            assertEquals(1001, p.gid());
            NodeAttributes n = fresh.attributes("/null");
            assertEquals(NodeType.CHARACTER_DEVICE, n.type());
            assertEquals(DEV_NULL, n.rdev());
            assertEquals(0666, n.permissions());
            assertEquals(NodeType.SOCKET, fresh.attributes("/sock").type());
            assertEquals(List.of(), journal.pending(), "what a listing makes is not uploaded back");
        }
    }

    @Test
    void aFifoS3fsMadeWithoutAnyNumberOrOwnerIsAFifo() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        bucket.putBytes("pre/by-s3fs", new byte[0], Map.of("mode", "4516", "mtime", "1700000000"));
        bucket.putBytes("pre/dev-by-s3fs", new byte[0], Map.of("mode", "8612"));
        try (Journal journal = Journal.open(tmp.resolve("journal"))) {
            Path data = tmp.resolve("data");
            VolumeCache.markRootUnlisted(data);
            VolumeCache cache = new VolumeCache(data, journal, false,
                    new BucketTree(bucket, "pre", new BucketTree.ObjectDefaults(7, 8, 0644, 0755)));
            NodeAttributes fifo = cache.attributes("/by-s3fs");
            assertEquals(NodeType.FIFO, fifo.type());
            assertEquals(0644, fifo.permissions());
            assertEquals(7, fifo.uid(), "the volume's default owner");
            assertEquals(1_700_000_000L, fifo.modifiedTime().getEpochSecond());
            NodeAttributes device = cache.attributes("/dev-by-s3fs");
            assertEquals(NodeType.CHARACTER_DEVICE, device.type());
            assertEquals(0, device.rdev(), "s3fs keeps no device number");
        }
    }
}
