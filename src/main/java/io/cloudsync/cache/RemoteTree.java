package io.cloudsync.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The bucket as the cache sees it: what a directory holds there, and the bytes of a file. Implemented over the
 * object store outside this package; {@link #NONE} is a volume with nothing remote (every directory empty).
 */
public interface RemoteTree {

    /** The children of directory {@code dir} (journal form, "" for the root) in the bucket. */
    default List<RemoteEntry> list(String dir) throws IOException {
        return list(dir, java.util.Map.of());
    }

    /**
     * As {@link #list(String)}, for a directory listed before: {@code known} maps names to the version the cache
     * has of them ({@link #DIRECTORY} for a directory); a child still of that version comes back as
     * {@link RemoteEntry#unchanged}, without reading its attributes again.
     */
    List<RemoteEntry> list(String dir, java.util.Map<String, String> known) throws IOException;

    /** The version {@code known} gives a directory. */
    String DIRECTORY = "/";

    /**
     * Of the children {@code leftOut} of {@code dir} that a listing did not show, the ones the bucket really no
     * longer holds: nothing at the name, nor below it. Some servers' listings leave out objects that exist
     * (S3Proxy's filesystem backend while objects are written into the same directory; stores whose listings
     * lag behind their writes), and a refresh must not take that for a deletion by another tool.
     */
    java.util.Set<String> confirmGone(String dir, java.util.Set<String> leftOut) throws IOException;

    /**
     * Copies bytes [offset, offset + length) of a file into {@code into} at the same offset. {@code listedAs} is the
     * volume path the file had when it was listed and {@code path} the one it has now (they differ after a rename
     * whose objects may or may not have moved yet); {@code version} is the content that was listed.
     *
     * @throws RemoteContentChanged if neither name holds that content any more
     */
    default void fetch(String listedAs, String path, String version, long offset, long length, FileChannel into)
            throws IOException {
        fetch(listedAs, path, version, offset, length, RangeSink.of(into));
    }

    /** As {@link #fetch(String, String, String, long, long, FileChannel)}, into any sink. */
    void fetch(String listedAs, String path, String version, long offset, long length, RangeSink into)
            throws IOException;

    RemoteTree NONE = new RemoteTree() {
        @Override
        public List<RemoteEntry> list(String dir, java.util.Map<String, String> known) {
            return List.of();
        }

        @Override
        public java.util.Set<String> confirmGone(String dir, java.util.Set<String> leftOut) {
            return leftOut;
        }

        @Override
        public void fetch(String listedAs, String path, String version, long offset, long length, RangeSink into)
                throws IOException {
            throw new RemoteContentChanged(path, "this volume has no remote content");
        }
    };
}
