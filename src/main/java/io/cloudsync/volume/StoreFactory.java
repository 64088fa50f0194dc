package io.cloudsync.volume;

import io.cloudsync.store.ObjectStore;

/** Opens the object store of a bucket with the plugin's endpoint and credentials. */
@FunctionalInterface
public interface StoreFactory {
    ObjectStore open(String bucket);
}
