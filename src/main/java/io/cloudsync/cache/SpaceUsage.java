package io.cloudsync.cache;

/** The real space of the filesystem holding the cache directory, for statfs (and {@code df} in a container). */
public record SpaceUsage(long blockSize, long totalBytes, long freeBytes, long availableBytes) {
}
