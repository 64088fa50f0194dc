package io.cloudsync.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the records of a journal segment. The grammar is written in {@link Journal}'s comment;
 * this class is its only implementation.
 */
final class RecordCodec {

    static final int MAGIC = 0x43534a4c; // "CSJL"
    static final short VERSION = 1;
    static final int HEADER_BYTES = 8;          // magic (4) | version (2) | reserved (2)
    static final int RECORD_PREFIX_BYTES = 8;   // length (4) | crc32c (4)
    static final int MAX_BODY_BYTES = 64 * 1024;

    static final byte TYPE_FILE_CHANGED = 1;
    static final byte TYPE_FILE_REMOVED = 2;
    static final byte TYPE_DIR_CREATED = 3;
    static final byte TYPE_DIR_REMOVED = 4;
    static final byte TYPE_FILE_CREATED = 5;
    static final byte TYPE_DIR_CHANGED = 6;
    static final byte TYPE_RENAMED = 7;
    private static final byte RENAMED_DIRECTORY = 1;
    static final byte TYPE_COMPLETED = 100;
    static final byte TYPE_APPLIED = 101;

    private RecordCodec() {
    }

    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).flip();
        return b;
    }

    /**
     * A mutation record: type | seq (8) | path length (2) | path (UTF-8); a rename has flags (1) between seq and
     * path, and its target (length (2) | UTF-8) after the path.
     */
    static ByteBuffer encodeMutation(long seq, Mutation mutation) {
        byte[] path = utf8(mutation.path());
        if (mutation instanceof Mutation.Renamed r) {
            byte[] target = utf8(r.target());
            ByteBuffer body = ByteBuffer.allocate(1 + 8 + 1 + 2 + path.length + 2 + target.length);
            body.put(TYPE_RENAMED).putLong(seq).put(r.directory() ? RENAMED_DIRECTORY : 0)
                    .putShort((short) path.length).put(path).putShort((short) target.length).put(target).flip();
            return frame(body);
        }
        ByteBuffer body = ByteBuffer.allocate(1 + 8 + 2 + path.length);
        body.put(typeOf(mutation)).putLong(seq).putShort((short) path.length).put(path).flip();
        return frame(body);
    }

    private static byte[] utf8(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("path too long for the journal: " + bytes.length + " bytes");
        }
        return bytes;
    }

    /** A completion record: type | seq (8) of the mutation record that is done. */
    static ByteBuffer encodeCompleted(long seq) {
        ByteBuffer body = ByteBuffer.allocate(1 + 8);
        body.put(TYPE_COMPLETED).putLong(seq).flip();
        return frame(body);
    }

    /** An applied record: type | seq (8) of the rename whose objects moved in the store; still pending. */
    static ByteBuffer encodeApplied(long seq) {
        ByteBuffer body = ByteBuffer.allocate(1 + 8);
        body.put(TYPE_APPLIED).putLong(seq).flip();
        return frame(body);
    }

    private static ByteBuffer frame(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        ByteBuffer framed = ByteBuffer.allocate(RECORD_PREFIX_BYTES + body.remaining());
        framed.putInt(body.remaining()).putInt((int) crc.getValue()).put(body).flip();
        return framed;
    }

    static boolean checksumMatches(ByteBuffer body, int expectedCrc) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return (int) crc.getValue() == expectedCrc;
    }

    /** Decodes a body whose checksum matched: a {@link JournalEntry}, a {@link Completed} or an {@link Applied}. */
    static Object decodeBody(ByteBuffer body) {
        byte type = body.get();
        long seq = body.getLong();
        if (type == TYPE_COMPLETED) {
            return new Completed(seq);
        }
        if (type == TYPE_APPLIED) {
            return new Applied(seq);
        }
        if (type == TYPE_RENAMED) {
            boolean directory = (body.get() & RENAMED_DIRECTORY) != 0;
            String from = readPath(body);
            return new JournalEntry(seq, new Mutation.Renamed(from, readPath(body), directory));
        }
        String p = readPath(body);
        Mutation m = switch (type) {
            case TYPE_FILE_CREATED -> new Mutation.FileCreated(p);
            case TYPE_FILE_CHANGED -> new Mutation.FileChanged(p);
            case TYPE_FILE_REMOVED -> new Mutation.FileRemoved(p);
            case TYPE_DIR_CREATED -> new Mutation.DirCreated(p);
            case TYPE_DIR_CHANGED -> new Mutation.DirChanged(p);
            case TYPE_DIR_REMOVED -> new Mutation.DirRemoved(p);
            default -> throw new IllegalArgumentException("unknown journal record type " + type);
        };
        return new JournalEntry(seq, m);
    }

    private static String readPath(ByteBuffer body) {
        byte[] path = new byte[Short.toUnsignedInt(body.getShort())];
        body.get(path);
        return new String(path, StandardCharsets.UTF_8);
    }

    private static byte typeOf(Mutation m) {
        return switch (m) {
            case Mutation.FileCreated f -> TYPE_FILE_CREATED;
            case Mutation.FileChanged f -> TYPE_FILE_CHANGED;
            case Mutation.FileRemoved f -> TYPE_FILE_REMOVED;
            case Mutation.DirCreated d -> TYPE_DIR_CREATED;
            case Mutation.DirChanged d -> TYPE_DIR_CHANGED;
            case Mutation.DirRemoved d -> TYPE_DIR_REMOVED;
            case Mutation.Renamed r -> TYPE_RENAMED;
        };
    }

    /** The decoded form of a completion record. */
    record Completed(long seq) {
    }

    /** The decoded form of an applied record. */
    record Applied(long seq) {
    }
}
