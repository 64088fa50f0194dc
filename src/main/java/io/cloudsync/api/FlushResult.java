package io.cloudsync.api;

/** The answer to a flush: whether the volume was durable in the bucket in time, and what is still pending. */
public record FlushResult(boolean durable, long pendingFiles, long pendingBytes) {
}
