package io.cloudsync.store;

import java.time.Clock;

/** The in-memory fake keeps the contract, so unit tests that use it see what a real bucket would do. */
class InMemoryObjectStoreContractTest extends ObjectStoreContractTest {

    @Override
    protected ObjectStore newStoreWithBucket(String bucket) {
        return new FakeInMemoryObjectStore(bucket);
    }

    @Override
    protected ObjectStore newStoreWithoutBucket(String bucket) {
        return new FakeInMemoryObjectStore(bucket, false, Clock.systemUTC());
    }

    @Override
    protected int listPageSize() {
        return 5; // no pages in memory; a few keys are enough
    }
}
