package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void missingOrBrokenAttributesAreEmptyOneByOne() {
        PosixMetadata.Parsed p = PosixMetadata.parse(Map.of("mode", "rw-r--r--", "uid", "12", "mtime", "yesterday"));
        assertEquals(Optional.empty(), p.mode());
        assertEquals(Optional.of(12), p.uid());
        assertEquals(Optional.empty(), p.gid());
        assertEquals(Optional.empty(), p.mtime());
    }
}
