package io.cloudsync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.cloudsync.testsupport.SmallTmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a disk that fills up: a small tmpfs (so root, like the FUSE tests). An append the disk refuses
 * fails whole, the records before it stay, and once there is room again the log goes on without damage.
 */
@Tag("fuse")
class JournalDiskFullTest {

    @TempDir
    Path tmp;
    private SmallTmpfs tmpfs;
    private Path disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        tmpfs = SmallTmpfs.mount(tmp.resolve("disk"), "64k");
        disk = tmpfs.dir();
    }

    @AfterEach
    void unmount() throws Exception {
        tmpfs.close();
    }

    @Test
    void aRefusedAppendLeavesNoTornRecordAndTheLogGoesOnWhenSpaceReturns() throws Exception {
        Path dir = disk.resolve("journal");
        List<String> accepted = new ArrayList<>();
        String longName = "d/" + "x".repeat(900) + "/f";
        try (Journal j = Journal.open(dir)) {
            IOException full = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    j.record(new Mutation.FileChanged(longName + i));
                    accepted.add(longName + i);
                }
            });
            assertTrue(full.getMessage().contains("No space left on device"), full.toString());
            assertTrue(accepted.size() > 10, "the disk filled too soon to prove anything: " + accepted.size());
            j.sync();

            tmpfs.resize("4m");
            j.record(new Mutation.FileChanged("after.txt"));
            accepted.add("after.txt");
            j.sync();
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(List.of(), j.problems(), "replay found damage");
            List<String> replayed = j.pending().stream().map(e -> e.mutation().path()).toList();
            // Compared as a count and a flag: the names are long, and a failure should still be readable.
            assertEquals(accepted.size(), replayed.size(), "records replayed");
            assertTrue(accepted.equals(replayed), "the replayed records differ from the accepted ones");
        }
    }
}
