package io.cloudsync.store.minio;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;

/**
 * Lets an upload in progress be stopped: the MinIO client offers no cancellation, and interrupting the calling
 * thread would leave the HTTP request running on OkHttp's threads, where it could still complete and overwrite a
 * newer upload. Instead the body of every PUT to a registered object (a whole object or one part of a multipart
 * upload) checks the cancellation flag before each chunk it sends, and fails the request when it is set, so the
 * server never receives a complete body and stores nothing. A body that was sent in full is never failed.
 */
final class UploadCancellations implements Interceptor {

    private final String bucket;
    private final ConcurrentMap<String, BooleanSupplier> active = new ConcurrentHashMap<>();

    UploadCancellations(String bucket) {
        this.bucket = bucket;
    }

    /** Makes PUTs of {@code key} fail once {@code cancelled} is true, until the returned handle is closed. */
    Registration register(String key, BooleanSupplier cancelled) {
        active.put(key, cancelled);
        return () -> active.remove(key, cancelled);
    }

    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.body() == null || !"PUT".equals(request.method()) || active.isEmpty()) {
            return chain.proceed(request);
        }
        String key = keyOf(request);
        BooleanSupplier cancelled = key == null ? null : active.get(key);
        if (cancelled == null) {
            return chain.proceed(request);
        }
        return chain.proceed(request.newBuilder()
                .method(request.method(), new CancellableBody(request.body(), cancelled, key)).build());
    }

    /** The object key of a path-style ("/bucket/key") or virtual-host-style ("/key") request. */
    private String keyOf(Request request) {
        String path = String.join("/", request.url().pathSegments());
        if (path.startsWith(bucket + "/")) {
            String key = path.substring(bucket.length() + 1);
            if (active.containsKey(key)) {
                return key;
            }
        }
        return active.containsKey(path) ? path : null;
    }

    private static final class CancellableBody extends RequestBody {
        private final RequestBody delegate;
        private final BooleanSupplier cancelled;
        private final String key;

        CancellableBody(RequestBody delegate, BooleanSupplier cancelled, String key) {
            this.delegate = delegate;
            this.cancelled = cancelled;
            this.key = key;
        }

        @Override
        public MediaType contentType() {
            return delegate.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return delegate.contentLength();
        }

        /** One-shot, so that OkHttp never retries a cancelled body on a fresh connection. */
        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            BufferedSink checked = Okio.buffer(new ForwardingSink(sink) {
                @Override
                public void write(Buffer source, long byteCount) throws IOException {
                    if (cancelled.getAsBoolean()) {
                        throw new IOException("upload of '" + key + "' cancelled: the file changed while it was sent");
                    }
                    super.write(source, byteCount);
                }
            });
            delegate.writeTo(checked);
            checked.emit();
        }
    }
}
