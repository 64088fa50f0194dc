package io.cloudsync.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the bytes of a fetch go: the cache file, at the offsets they have in the object, or a reader's buffer when
 * the cache has no room for them (they are handed over and not kept).
 */
public interface RangeSink {

    /** Writes some of {@code src} as the bytes at {@code position} of the file; returns how many it took. */
    int write(ByteBuffer src, long position) throws IOException;

    /** The size of the file the bytes belong to (its placeholder's size). */
    long size() throws IOException;

    /** Into the cache file itself. */
    static RangeSink of(FileChannel channel) {
        return new RangeSink() {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                return channel.write(src, position);
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }
        };
    }

    /**
     * Into {@code dst} from its position on, which stands for byte {@code offset} of a file of {@code fileSize}
     * bytes. Only bytes from {@code offset} to {@code offset + dst.remaining()} may be written; dst's position is
     * left alone (the caller moves it by what it asked for).
     */
    static RangeSink buffer(ByteBuffer dst, long offset, long fileSize) {
        int base = dst.position();
        return new RangeSink() {
            @Override
            public int write(ByteBuffer src, long position) {
                long at = position - offset;
                int n = src.remaining();
                if (at < 0 || at + n > dst.limit() - base) {
                    throw new IllegalArgumentException("bytes " + position + "+" + n + " are outside the read of "
                            + (dst.limit() - base) + " bytes at " + offset);
                }
                dst.put(base + (int) at, src, src.position(), n);
                src.position(src.position() + n);
                return n;
            }

            @Override
            public long size() {
                return fileSize;
            }
        };
    }
}
