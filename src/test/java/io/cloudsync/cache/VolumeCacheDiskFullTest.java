package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import io.cloudsync.testsupport.SmallTmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache and journal on a small tmpfs (root, like the FUSE tests): file data stops short of the headroom the
 * journal keeps, so the close of a file written until the disk said ENOSPC is still journaled.
 */
@Tag("fuse")
class VolumeCacheDiskFullTest {

    @TempDir
    Path tmp;
    private SmallTmpfs tmpfs;
    private Path disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        tmpfs = SmallTmpfs.mount(tmp.resolve("disk"), "16m");
        disk = tmpfs.dir();
    }

    @AfterEach
    void unmount() throws Exception {
        tmpfs.close();
    }

    @Test
    void writesGetEnospcBeforeTheJournalRunsOutOfRoom() throws IOException {
        try (Journal journal = Journal.open(disk.resolve("journal"))) {
            VolumeCache cache = new VolumeCache(Files.createDirectories(disk.resolve("data")), journal, false);
            long handle = cache.create("big.bin", 0644, null, Set.of(StandardOpenOption.WRITE));
            long offset = 0;
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            FileSystemException full = null;
            while (full == null && offset < (64L << 20)) {
                try {
                    offset += cache.write(handle, chunk.clear(), offset);
                } catch (FileSystemException e) {
                    full = e;
                }
            }
            assertTrue(full != null && "No space left on device".equals(full.getReason()), "no ENOSPC: " + full);
            assertTrue(cache.space().availableBytes() < chunk.capacity(), "statfs still offers room after ENOSPC");

            cache.release(handle);
            journal.sync();
            assertEquals(new Mutation.FileCreated("big.bin"), journal.pending().getLast().mutation(),
                    "the close of the filled file was journaled");
            Files.delete(disk.resolve("data/big.bin"));
            long again = cache.create("after.bin", 0644, null, Set.of(StandardOpenOption.WRITE));
            assertEquals(4, cache.write(again, ByteBuffer.wrap("room".getBytes()), 0), "writes work once space returns");
            cache.release(again);
        }
    }

    @Test
    void parallelWritersTogetherStillStopShortOfTheHeadroom() throws Exception {
        try (Journal journal = Journal.open(disk.resolve("journal"))) {
            VolumeCache cache = new VolumeCache(Files.createDirectories(disk.resolve("data")), journal, false);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            var handles = new java.util.ArrayList<Long>();
            try {
                var writers = new java.util.ArrayList<java.util.concurrent.Future<?>>();
                for (int t = 0; t < 8; t++) {
                    long handle = cache.create("w" + t, 0644, null, Set.of(StandardOpenOption.WRITE));
                    handles.add(handle);
                    writers.add(pool.submit(() -> {
                        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                        long offset = 0;
                        try {
                            while (true) {
                                offset += cache.write(handle, chunk.clear(), offset);
                            }
                        } catch (FileSystemException full) {
                            return full.getReason();
                        }
                    }));
                }
                for (var w : writers) {
                    assertEquals("No space left on device", w.get());
                }
            } finally {
                pool.shutdownNow();
                for (long h : handles) {
                    cache.release(h);
                }
            }
            long free = Files.getFileStore(disk).getUsableSpace();
            assertTrue(free >= (4L << 20), "parallel writes ate into the headroom: " + free + " bytes left");
        }
    }
}
