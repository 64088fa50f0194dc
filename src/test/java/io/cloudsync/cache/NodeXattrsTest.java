package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index attributes by path: values of any length, and nodes that cannot carry them never block a caller. */
class NodeXattrsTest {

    private static final Duration NEVER_BLOCKS = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void valuesOfAnyLengthReadBackAndRemovalIsIdempotent() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertEquals(Optional.empty(), NodeXattrs.read(file, "cloudsync.test"));
        NodeXattrs.write(file, "cloudsync.test", "");
        assertEquals(Optional.of(""), NodeXattrs.read(file, "cloudsync.test"));
        String longValue = "0-4096,".repeat(500); // beyond the first read buffer, within ext4's one block
        NodeXattrs.write(file, "cloudsync.test", longValue);
        assertEquals(Optional.of(longValue), NodeXattrs.read(file, "cloudsync.test"));
        NodeXattrs.remove(file, "cloudsync.test");
        NodeXattrs.remove(file, "cloudsync.test");
        assertEquals(Optional.empty(), NodeXattrs.read(file, "cloudsync.test"));
        assertThrows(NoSuchFileException.class, () -> NodeXattrs.read(tmp.resolve("missing"), "cloudsync.test"));
    }

    @Test
    void aFifoOrASymlinkHasNoneAndRefusesChangesWithoutEverBeingOpened() throws IOException {
        Path fifo = tmp.resolve("pipe");
        SpecialNodes.make(fifo, NodeType.FIFO, 0);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), fifo);
        assertTimeoutPreemptively(NEVER_BLOCKS, () -> {
            for (Path node : new Path[] {fifo, link}) {
                assertEquals(Optional.empty(), NodeXattrs.read(node, "cloudsync.synced"));
                FileSystemException refused = assertThrows(FileSystemException.class,
                        () -> NodeXattrs.write(node, "cloudsync.synced", "v 1 1"));
                assertEquals("Operation not permitted", refused.getReason());
                assertThrows(FileSystemException.class, () -> NodeXattrs.remove(node, "cloudsync.synced"));
                assertEquals(Optional.empty(), Placeholders.remoteFile(node), "Placeholders reads the same way");
            }
        });
    }
}
