package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The s3fs names and formats: what cloudsync writes reads back, and what s3fs or rclone wrote reads right. */
class PosixMetadataTest {

    @Test
    void writtenAttributesReadBack() {
        PosixMetadata m = new PosixMetadata(0100640, 1000, 100, Instant.parse("2025-01-02T03:04:05.000000007Z"));
        PosixMetadata.Parsed p = PosixMetadata.parse(m.toUserMetadata());
        assertEquals(Optional.of(0100640), p.mode());
        assertEquals(Optional.of(1000), p.uid());
        assertEquals(Optional.of(100), p.gid());
        assertEquals(Optional.of(m.mtime()), p.mtime());
        assertEquals("1735787045.000000007", m.toUserMetadata().get("mtime"));
        assertEquals("33184", m.toUserMetadata().get("mode"));
    }

    @Test
    void readsWhatS3fsAndRcloneWrite() {
        PosixMetadata.Parsed s3fs = PosixMetadata.parse(Map.of("mode", "16877", "uid", "0", "gid", "0", "mtime", "1700000000"));
        assertEquals(Optional.of(040755), s3fs.mode());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_000L)), s3fs.mtime());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_000L, 500_000_000)),
                PosixMetadata.parse(Map.of("mtime", "1700000000.5")).mtime(), "rclone's fractional seconds");
        assertEquals(Optional.of(-2), PosixMetadata.parse(Map.of("uid", "4294967294")).uid(), "nobody as unsigned 32 bit");
    }

    @Test
    void specialFilesKeepTheirTypeInTheModeAsS3fsWritesItAndDevicesTheirNumber() {
        Instant t = Instant.ofEpochSecond(1_700_000_000L);
        Map<String, String> fifo = new PosixMetadata(0010644, 0, 0, t).toUserMetadata();
        assertEquals("4516", fifo.get("mode"), "S_IFIFO | 0644 in decimal");
        assertFalse(fifo.containsKey("rdev"), "only devices carry a number");

        long devNull = 0x103; // makedev(1, 3) as lstat reports it
        Map<String, String> device = new PosixMetadata(0020666, 0, 0, t, devNull).toUserMetadata();
        assertEquals("8630", device.get("mode"), "S_IFCHR | 0666 in decimal");
        assertEquals("100000003", device.get("rdev"), "major << 32 | minor in hexadecimal, as rclone writes it");
        assertEquals(Optional.of(devNull), PosixMetadata.parse(device).rdev());

        assertEquals(Optional.of(0010644), PosixMetadata.parse(Map.of("mode", "4516")).mode(), "an s3fs FIFO");
        assertEquals(Optional.empty(), PosixMetadata.parse(Map.of("mode", "4516")).rdev(), "s3fs keeps no rdev");
        assertEquals(Optional.empty(), PosixMetadata.parse(Map.of("rdev", "1:3")).rdev());
    }

    @Test
    void deviceNumbersPastEightBitsSurviveLinuxsEncodingAndTheMetadataForm() {
        // makedev(300, 70000) as glibc packs it: minor's low byte, 12 bits of major, the rest of minor, of major
        long linux = (70000L & 0xff) | ((300L & 0xfff) << 8) | ((70000L & ~0xffL) << 12);
        DeviceNumber n = DeviceNumber.ofLinux(linux);
        assertEquals(new DeviceNumber(300, 70000), n);
        assertEquals(linux, n.toLinux());
        assertEquals("12c00011170", n.format());
        assertEquals(Optional.of(n), DeviceNumber.parse(n.format()));
        DeviceNumber huge = new DeviceNumber(0xfffff, 0xfffff);
        assertEquals(huge, DeviceNumber.ofLinux(huge.toLinux()));
        assertEquals(Optional.empty(), DeviceNumber.parse("12345678901234567"), "more than 64 bits");
    }

    @Test
    void missingOrBrokenAttributesAreEmptyOneByOne() {
        PosixMetadata.Parsed p = PosixMetadata.parse(Map.of("mode", "rw-r--r--", "uid", "12", "mtime", "yesterday"));
        assertEquals(Optional.empty(), p.mode());
        assertEquals(Optional.of(12), p.uid());
        assertEquals(Optional.empty(), p.gid());
        assertEquals(Optional.empty(), p.mtime());
    }
}
