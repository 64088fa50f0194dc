package io.cloudsync.testsupport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;

/**
 * The blob store behind {@link S3ProxyServer}, counting the object bytes it hands to S3Proxy for GET requests
 * (and for part copies, which read the source the same way). Bytes are counted as they are read, so an
 * abandoned GET counts only what was actually sent. Also counts the calls S3Proxy makes for HEAD requests
 * (blob metadata) and for GET requests (blobs), as S3ProxyServerTest checks that they map one to one.
 */
final class CountingBlobStore extends ForwardingBlobStore {

    private final AtomicLong bytesServed = new AtomicLong();
    private final java.util.Map<String, AtomicLong> bytesByKey = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong heads = new AtomicLong();
    private final java.util.Map<String, AtomicLong> headsByKey = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong gets = new AtomicLong();

    CountingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** The store without counting, for test inspection that is no traffic of the code under test. */
    BlobStore uncounted() {
        return delegate();
    }

    long bytesServed() {
        return bytesServed.get();
    }

    long heads() {
        return heads.get();
    }

    long bytesServed(String key) {
        AtomicLong n = bytesByKey.get(key);
        return n == null ? 0 : n.get();
    }

    long heads(String key) {
        AtomicLong n = headsByKey.get(key);
        return n == null ? 0 : n.get();
    }

    long gets() {
        return gets.get();
    }

    void reset() {
        bytesServed.set(0);
        bytesByKey.clear();
        heads.set(0);
        headsByKey.clear();
        gets.set(0);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        heads.incrementAndGet();
        headsByKey.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        return super.blobMetadata(container, name);
    }

    @Override
    public Blob getBlob(String container, String name) {
        gets.incrementAndGet();
        return counted(super.getBlob(container, name));
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        gets.incrementAndGet();
        return counted(super.getBlob(container, name, options));
    }

    private Blob counted(Blob blob) {
        if (blob == null || blob.getPayload() == null) {
            return blob;
        }
        Payload original = blob.getPayload();
        AtomicLong ofKey = bytesByKey.computeIfAbsent(blob.getMetadata().getName(), k -> new AtomicLong());
        InputStream counting;
        try {
            counting = new FilterInputStream(original.openStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytesServed.incrementAndGet();
                        ofKey.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    int n = super.read(buffer, off, len);
                    if (n > 0) {
                        bytesServed.addAndGet(n);
                        ofKey.addAndGet(n);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open blob " + container(blob) + " for counting", e);
        }
        Payload wrapped = Payloads.newInputStreamPayload(counting);
        wrapped.setContentMetadata(original.getContentMetadata());
        blob.resetPayload(false); // setPayload would release (close) the original stream, which we now read
        blob.setPayload(wrapped);
        return blob;
    }

    private static String container(Blob blob) {
        return blob.getMetadata().getContainer() + "/" + blob.getMetadata().getName();
    }
}
