package io.cloudsync.store.minio;

import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.ObjectStoreContractTest;
import io.cloudsync.testsupport.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The MinIO-client store against a real S3 server (S3Proxy on loopback), with small list pages to exercise paging. */
class MinioObjectStoreContractTest extends ObjectStoreContractTest {

    private static final int PAGE = 7;
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.startNew();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected ObjectStore newStoreWithBucket(String bucket) throws Exception {
        ObjectStore store = newStoreWithoutBucket(bucket);
        store.createBucket();
        return store;
    }

    @Override
    protected ObjectStore newStoreWithoutBucket(String bucket) {
        return MinioObjectStore.open(server.s3Endpoint(), bucket, MinioTuning.defaults().withListPageSize(PAGE));
    }

    @Override
    protected int listPageSize() {
        return PAGE;
    }
}
