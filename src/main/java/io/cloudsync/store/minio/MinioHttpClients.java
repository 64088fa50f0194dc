package io.cloudsync.store.minio;

import java.net.Proxy;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The HTTP clients under every {@link MinioObjectStore}. Built by hand rather than with the MinIO client's
 * default so that nothing from the environment steers them: no proxy (neither system properties nor the
 * default ProxySelector; the plugin talks to the endpoint it was given, often on loopback), no extra CA file.
 * All stores share one connection pool and one dispatcher; the dispatcher's limits are raised from OkHttp's
 * 5 requests per host because every MinIO call, even a synchronous one, goes through it, and several volumes
 * upload and fetch at once. Its threads are daemons so that they never hold a JVM open.
 */
final class MinioHttpClients {

    private static final OkHttpClient SHARED = newShared();

    private MinioHttpClients() {
    }

    static OkHttpClient forTuning(MinioTuning tuning, Interceptor interceptor) {
        return SHARED.newBuilder()
                .addInterceptor(interceptor)
                .connectTimeout(tuning.connectTimeout())
                .readTimeout(tuning.ioTimeout())
                .writeTimeout(tuning.ioTimeout())
                .build();
    }

    private static OkHttpClient newShared() {
        var threads = new AtomicInteger();
        var executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    var thread = new Thread(runnable, "s3-http-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        var dispatcher = new Dispatcher(executor);
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(64);
        return new OkHttpClient.Builder()
                .proxy(Proxy.NO_PROXY)
                .protocols(List.of(Protocol.HTTP_1_1))
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
                .build();
    }
}
