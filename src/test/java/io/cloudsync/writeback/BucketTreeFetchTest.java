package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudsync.cache.RemoteContentChanged;
import io.cloudsync.cache.RemoteEntry;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching a listed file's bytes from a real S3 server (S3Proxy): one conditional GET per range and no HEAD while
 * the object is the listed version; never a byte of another version; the object found under the new name after a
 * rename moved it.
 */
class BucketTreeFetchTest {

    private static final String BUCKET = "fetch-tests";

    @TempDir
    Path tmp;
    S3ProxyServer s3;
    ObjectStore store;
    BucketTree tree;
    byte[] content;

    @BeforeEach
    void start() {
        s3 = S3ProxyServer.startNew(tmp.resolve("s3"));
        s3.createBucket(BUCKET);
        store = s3.store(BUCKET);
        tree = new BucketTree(store, "vol", new BucketTree.ObjectDefaults(0, 0, 0644, 0755));
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        s3.putObject(BUCKET, "vol/a.bin", content, Map.of());
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private String listedVersion() throws Exception {
        return tree.list("").stream().filter(e -> e.name().equals("a.bin")).map(RemoteEntry::version)
                .findFirst().orElseThrow();
    }

    /** A placeholder: a sparse file of the object's size. */
    private FileChannel placeholder() throws Exception {
        Path file = tmp.resolve("placeholder");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(content.length);
        }
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining() && channel.read(buf, offset + buf.position()) > 0) {
            // until the buffer is full
        }
        return buf.array();
    }

    @Test
    void aRangeOfTheListedVersionIsOneGetAndNoHead() throws Exception {
        String version = listedVersion();
        s3.resetBytesServed();
        try (FileChannel into = placeholder()) {
            tree.fetch("a.bin", "a.bin", version, 1000, 50_000, into);
            assertArrayEquals(Arrays.copyOfRange(content, 1000, 51_000), read(into, 1000, 50_000));
        }
        assertEquals(0, s3.headRequests());
        assertEquals(1, s3.getRequests());
        assertEquals(50_000, s3.bytesServed());
    }

    @Test
    void anObjectReplacedSinceItWasListedIsNotReadAndNoByteOfTheNewVersionIsWritten() throws Exception {
        String version = listedVersion();
        byte[] other = new byte[content.length];
        Arrays.fill(other, (byte) 'x');
        s3.putObject(BUCKET, "vol/a.bin", other, Map.of());
        try (FileChannel into = placeholder()) {
            assertThrows(RemoteContentChanged.class, () -> tree.fetch("a.bin", "a.bin", version, 0, 4096, into));
            assertArrayEquals(new byte[4096], read(into, 0, 4096), "the placeholder keeps its hole");
        }
    }

    @Test
    void aDeletedObjectIsReportedAsChanged() throws Exception {
        String version = listedVersion();
        s3.deleteObject(BUCKET, "vol/a.bin");
        try (FileChannel into = placeholder()) {
            var e = assertThrows(RemoteContentChanged.class, () -> tree.fetch("a.bin", "a.bin", version, 0, 10, into));
            assertEquals(true, e.getMessage().contains("deleted"), e.getMessage());
        }
    }

    @Test
    void afterARenameMovedTheObjectTheRangeComesFromTheNewName() throws Exception {
        String version = listedVersion();
        store.copy("vol/a.bin", "vol/b.bin");
        store.delete("vol/a.bin");
        try (FileChannel into = placeholder()) {
            tree.fetch("a.bin", "b.bin", version, 200_000, 100_000, into);
            assertArrayEquals(Arrays.copyOfRange(content, 200_000, 300_000), read(into, 200_000, 100_000));
        }
    }

    @Test
    void aRenamedFileWhoseNewNameHoldsOtherContentIsNotRead() throws Exception {
        String version = listedVersion();
        store.delete("vol/a.bin");
        s3.putObject(BUCKET, "vol/b.bin", new byte[10], Map.of()); // another size, another ETag
        try (FileChannel into = placeholder()) {
            assertThrows(RemoteContentChanged.class, () -> tree.fetch("a.bin", "b.bin", version, 0, 10, into));
        }
    }
}
