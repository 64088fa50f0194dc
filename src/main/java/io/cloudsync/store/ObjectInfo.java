package io.cloudsync.store;

import java.time.Instant;
import java.util.Map;

/** What the store says about one object. {@code userMetadata} names carry no x-amz-meta- prefix and are lower case. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified, Map<String, String> userMetadata) {
    public ObjectInfo {
        userMetadata = Map.copyOf(userMetadata);
    }
}
