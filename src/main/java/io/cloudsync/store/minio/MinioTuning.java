package io.cloudsync.store.minio;

import java.time.Duration;

/**
 * How a {@link MinioObjectStore} talks to its server: sizes and timeouts that users rarely change but tests do
 * (a small list page exercises paging without thousands of objects).
 *
 * @param partSize          part size of multipart uploads; files up to this size go up in one request (5 MiB to 5 GiB)
 * @param listPageSize      keys asked for per list request (1 to 1000)
 * @param connectTimeout    how long to wait for a TCP connection: short, so an unreachable endpoint fails fast
 * @param ioTimeout         how long a read or write on an open connection may stall before the request fails
 * @param maxSingleCopySize sources larger than this are copied part by part (S3 refuses single copies over 5 GiB)
 */
public record MinioTuning(long partSize, int listPageSize, Duration connectTimeout, Duration ioTimeout,
                          long maxSingleCopySize) {

    public static final long MIB = 1024L * 1024;
    private static final long MIN_PART_SIZE = 5 * MIB;
    private static final long MAX_PART_SIZE = 5 * 1024 * MIB;

    public MinioTuning {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("multipart part size must be between 5 MiB and 5 GiB, was " + partSize);
        }
        if (listPageSize < 1 || listPageSize > 1000) {
            throw new IllegalArgumentException("list page size must be between 1 and 1000, was " + listPageSize);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || ioTimeout.isNegative() || ioTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxSingleCopySize < 1 || maxSingleCopySize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("single copy limit must be between 1 byte and 5 GiB, was "
                    + maxSingleCopySize);
        }
    }

    /** 16 MiB parts, 1000 keys a page, 5 s to connect, 60 s of silence on a connection, 5 GiB single copies. */
    public static MinioTuning defaults() {
        return new MinioTuning(16 * MIB, 1000, Duration.ofSeconds(5), Duration.ofSeconds(60), MAX_PART_SIZE);
    }

    public MinioTuning withPartSize(long bytes) {
        return new MinioTuning(bytes, listPageSize, connectTimeout, ioTimeout, maxSingleCopySize);
    }

    public MinioTuning withListPageSize(int keys) {
        return new MinioTuning(partSize, keys, connectTimeout, ioTimeout, maxSingleCopySize);
    }

    public MinioTuning withTimeouts(Duration connect, Duration io) {
        return new MinioTuning(partSize, listPageSize, connect, io, maxSingleCopySize);
    }

    public MinioTuning withMaxSingleCopySize(long bytes) {
        return new MinioTuning(partSize, listPageSize, connectTimeout, ioTimeout, bytes);
    }
}
