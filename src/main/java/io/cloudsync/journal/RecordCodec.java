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
    static final byte TYPE_COMPLETED = 100;

    private RecordCodec() {
    }

    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).flip();
        return b;
    }

    /** A mutation record: type | seq (8) | path length (2) | path (UTF-8). */
    static ByteBuffer encodeMutation(long seq, Mutation mutation) {
        byte[] path = mutation.path().getBytes(StandardCharsets.UTF_8);
        if (path.length > 0xFFFF) {
            throw new IllegalArgumentException("path too long for the journal: " + path.length + " bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(1 + 8 + 2 + path.length);
        body.put(typeOf(mutation)).putLong(seq).putShort((short) path.length).put(path).flip();
        return frame(body);
    }

    /** A completion record: type | seq (8) of the mutation record that is done. */
    static ByteBuffer encodeCompleted(long seq) {
        ByteBuffer body = ByteBuffer.allocate(1 + 8);
        body.put(TYPE_COMPLETED).putLong(seq).flip();
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

    /** Decodes a body whose checksum matched. Returns a {@link JournalEntry} or a {@link Completed}. */
    static Object decodeBody(ByteBuffer body) {
        byte type = body.get();
        long seq = body.getLong();
        if (type == TYPE_COMPLETED) {
            return new Completed(seq);
        }
        int len = Short.toUnsignedInt(body.getShort());
        byte[] path = new byte[len];
        body.get(path);
        String p = new String(path, StandardCharsets.UTF_8);
        Mutation m = switch (type) {
            case TYPE_FILE_CHANGED -> new Mutation.FileChanged(p);
            case TYPE_FILE_REMOVED -> new Mutation.FileRemoved(p);
            case TYPE_DIR_CREATED -> new Mutation.DirCreated(p);
            case TYPE_DIR_REMOVED -> new Mutation.DirRemoved(p);
            default -> throw new IllegalArgumentException("unknown journal record type " + type);
        };
        return new JournalEntry(seq, m);
    }

    private static byte typeOf(Mutation m) {
        return switch (m) {
            case Mutation.FileChanged f -> TYPE_FILE_CHANGED;
            case Mutation.FileRemoved f -> TYPE_FILE_REMOVED;
            case Mutation.DirCreated d -> TYPE_DIR_CREATED;
            case Mutation.DirRemoved d -> TYPE_DIR_REMOVED;
        };
    }

    /** The decoded form of a completion record. */
    record Completed(long seq) {
    }
}
