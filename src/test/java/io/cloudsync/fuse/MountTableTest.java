package io.cloudsync.fuse;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MountTableTest {

    @Test
    void parsesAFuseMountWithOptionalFieldsAndEscapedSpaces() {
        MountTable.Entry e = MountTable.parse("61 27 0:52 / /var/lib/my\\040volume rw,nosuid,nodev,relatime "
                + "shared:1 master:2 - fuse.cloudsync cloudsync:vol rw,user_id=0,group_id=0,allow_other");
        assertEquals(new MountTable.Entry("0:52", Path.of("/var/lib/my volume"), "fuse.cloudsync", "cloudsync:vol"), e);
    }

    @Test
    void parsesAMountWithoutOptionalFields() {
        MountTable.Entry e = MountTable.parse("22 27 0:21 / /proc rw,relatime - proc proc rw");
        assertEquals(new MountTable.Entry("0:21", Path.of("/proc"), "proc", "proc"), e);
    }

    @Test
    void ignoresLinesOfAnotherShape() {
        assertNull(MountTable.parse("garbage"));
        assertEquals("a\\b", MountTable.unescape("a\\134b"));
        assertEquals("trailing\\", MountTable.unescape("trailing\\"));
    }
}
