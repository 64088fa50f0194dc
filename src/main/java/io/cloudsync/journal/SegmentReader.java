package io.cloudsync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one segment from its start and tells how it ends: cleanly, with a torn last record (a crash in the middle
 * of an append: the log simply ends there), or with corruption (a record that fails its checksum or makes no
 * sense while more data follows it — something damaged the file after it was written).
 */
final class SegmentReader {

    enum Ending { CLEAN, TORN_TAIL, CORRUPT }

    /** What a segment held: its decoded records, how it ended, and the offset of the end of its last good record. */
    record Result(List<Object> records, Ending ending, long validLength, String problem) {
    }

    private SegmentReader() {
    }

    static Result read(Path segment) throws IOException {
        ByteBuffer data;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("journal segment " + segment + " is implausibly large: " + size + " bytes");
            }
            data = ByteBuffer.allocate((int) size);
            while (data.hasRemaining() && ch.read(data) >= 0) {
                // read fully
            }
            data.flip();
        }
        List<Object> records = new ArrayList<>();
        if (data.remaining() < RecordCodec.HEADER_BYTES) {
            // A crash while the header itself was written: an empty log.
            return new Result(records, data.remaining() == 0 ? Ending.CLEAN : Ending.TORN_TAIL, 0, "torn segment header");
        }
        int magic = data.getInt();
        short version = data.getShort();
        data.getShort();
        if (magic != RecordCodec.MAGIC || version != RecordCodec.VERSION) {
            return new Result(records, Ending.CORRUPT, 0,
                    String.format("bad segment header (magic %08x, version %d)", magic, version));
        }
        long validLength = data.position();
        while (data.hasRemaining()) {
            int start = data.position();
            if (data.remaining() < RecordCodec.RECORD_PREFIX_BYTES) {
                return new Result(records, Ending.TORN_TAIL, validLength, "torn record prefix at offset " + start);
            }
            int length = data.getInt();
            int crc = data.getInt();
            if (length <= 0 || length > RecordCodec.MAX_BODY_BYTES) {
                return endOfDamage(records, validLength, data, start, "impossible record length " + length);
            }
            if (data.remaining() < length) {
                return new Result(records, Ending.TORN_TAIL, validLength, "torn record at offset " + start);
            }
            ByteBuffer body = data.slice(data.position(), length);
            data.position(data.position() + length);
            if (!RecordCodec.checksumMatches(body, crc)) {
                return endOfDamage(records, validLength, data, start, "checksum mismatch in record at offset " + start);
            }
            try {
                records.add(RecordCodec.decodeBody(body));
            } catch (RuntimeException e) {
                return endOfDamage(records, validLength, data, start,
                        "undecodable record at offset " + start + ": " + e.getMessage());
            }
            validLength = data.position();
        }
        return new Result(records, Ending.CLEAN, validLength, null);
    }

    /**
     * A bad record that is the last thing in the file is what a crash during its append leaves (torn); a bad record
     * with more data after it cannot come from a crash of this writer, so it is corruption.
     */
    private static Result endOfDamage(List<Object> records, long validLength, ByteBuffer data, int start, String what) {
        boolean last = allZero(data, data.position());
        return new Result(records, last ? Ending.TORN_TAIL : Ending.CORRUPT, validLength, what);
    }

    /** Preallocated or zero-filled space after a torn append is not more data. */
    private static boolean allZero(ByteBuffer data, int from) {
        for (int i = from; i < data.limit(); i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
