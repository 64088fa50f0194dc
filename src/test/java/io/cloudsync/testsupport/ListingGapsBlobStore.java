package io.cloudsync.testsupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * The blob store as S3Proxy serves it, whose listings can be told to leave out given keys while HEAD and GET still
 * find them: what S3Proxy's own filesystem backend does at random while objects are written into a directory
 * (its walk of the directory ends at a temporary file that an upload renamed away), and what a store whose
 * listings lag behind its writes does. Made deterministic here, so a test can show what the volume makes of it.
 */
final class ListingGapsBlobStore extends ForwardingBlobStore {

    /** Container and key, as {@link #id} gives them. */
    private final Set<String> leftOut = ConcurrentHashMap.newKeySet();

    ListingGapsBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void leaveOutOfListings(String container, String key) {
        leftOut.add(id(container, key));
    }

    private static String id(String container, String key) {
        return container + "/" + key;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        PageSet<? extends StorageMetadata> page = super.list(container, options);
        if (leftOut.isEmpty()) {
            return page;
        }
        return new PageSetImpl<>(page.stream().filter(m -> !leftOut.contains(id(container, m.getName()))).toList(),
                page.getNextMarker());
    }
}
