package io.cloudsync.cache;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake bucket that can be made unreachable: while {@link #down} is set, every call fails as a refused connection. */
final class FakeUnreachableRemoteTree implements RemoteTree {

    private final RemoteTree bucket;
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger failedCalls = new AtomicInteger();

    FakeUnreachableRemoteTree(RemoteTree bucket) {
        this.bucket = bucket;
    }

    private void failIfDown() throws IOException {
        if (down.get()) {
            failedCalls.incrementAndGet();
            throw new IOException("fake: listing in the bucket failed", new ConnectException("Connection refused"));
        }
    }

    @Override
    public List<RemoteEntry> list(String dir, Map<String, String> known) throws IOException {
        failIfDown();
        return bucket.list(dir, known);
    }

    @Override
    public java.util.Set<String> confirmGone(String dir, java.util.Set<String> leftOut) throws IOException {
        failIfDown();
        return bucket.confirmGone(dir, leftOut);
    }

    @Override
    public void fetch(String listedAs, String path, String version, long offset, long length, RangeSink into)
            throws IOException {
        failIfDown();
        bucket.fetch(listedAs, path, version, offset, length, into);
    }
}
