package io.cloudsync.fuse;

import io.cloudsync.testsupport.CapturedLog;
import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import org.cryptomator.jfuse.api.Fuse;
import org.cryptomator.jfuse.api.FuseBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mknod and link slots written into jfuse's fuse_operations before a mount (libfuse is loaded, nothing is
 * mounted): filled when the struct looks as expected, left alone with a warning when it does not.
 */
@Tag("fuse")
class UnboundOperationsTest {

    private static final long MKNOD_SLOT = 16;
    private static final long LINK_SLOT = 64;

    @TempDir
    Path tmp;
    Journal journal;
    Fuse fuse;
    CacheFileSystem fs;
    CapturedLog log;

    @BeforeEach
    void build() throws Exception {
        journal = Journal.open(tmp.resolve("journal"));
        FuseBuilder builder = Fuse.builder();
        builder.setLibraryPath(FuseLibrary.path().toString());
        fs = new CacheFileSystem(new VolumeCache(tmp.resolve("data"), journal, false), builder.errno(), null);
        fuse = builder.build(fs);
        log = CapturedLog.of(UnboundOperations.class);
    }

    @AfterEach
    void close() throws Exception {
        log.close();
        fuse.close();
        journal.close();
    }

    private MemorySegment struct() throws ReflectiveOperationException {
        Field f = Fuse.class.getDeclaredField("fuseOperationsStruct");
        f.setAccessible(true);
        return (MemorySegment) f.get(fuse);
    }

    @Test
    void fillsTheEmptyMknodAndLinkSlots() throws Exception {
        assertEquals(MemorySegment.NULL, struct().get(ValueLayout.ADDRESS, MKNOD_SLOT), "jfuse leaves mknod empty");
        UnboundOperations.install(fuse, fs);
        assertNotEquals(MemorySegment.NULL, struct().get(ValueLayout.ADDRESS, MKNOD_SLOT));
        assertNotEquals(MemorySegment.NULL, struct().get(ValueLayout.ADDRESS, LINK_SLOT));
        assertEquals(List.of(), log.records());
    }

    @Test
    void writesNothingAndSaysWhyWhenTheStructIsNotAsExpected() throws Exception {
        MemorySegment foreign = MemorySegment.ofAddress(0x1000);
        struct().set(ValueLayout.ADDRESS, MKNOD_SLOT, foreign); // as if a jfuse bound mknod itself, or moved slots
        UnboundOperations.install(fuse, fs);
        assertEquals(foreign, struct().get(ValueLayout.ADDRESS, MKNOD_SLOT));
        assertEquals(MemorySegment.NULL, struct().get(ValueLayout.ADDRESS, LINK_SLOT), "not half installed");
        List<LogRecord> warnings = log.records();
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().getMessage().contains("fail with ENOSYS"), warnings.getFirst().getMessage());
        struct().set(ValueLayout.ADDRESS, MKNOD_SLOT, MemorySegment.NULL); // never handed to libfuse
    }
}
