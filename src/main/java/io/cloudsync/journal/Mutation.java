package io.cloudsync.journal;

/**
 * One change of a volume that the object store must be told about. Paths are relative to the volume root,
 * '/'-separated, without a leading slash ("a/b.txt"), so that a path is also the object key below the prefix.
 *
 * <p>"Created" records say more than "changed" ones: no object existed for the path when it was recorded (the
 * name was new in the volume), so if the path goes away again before anything was uploaded, nothing remote has to
 * be deleted.
 */
public sealed interface Mutation {

    String path();

    /** A regular file or symlink was created under a name that did not exist: upload it. */
    record FileCreated(String path) implements Mutation {}

    /** A regular file was changed (data or attributes): upload its current content. */
    record FileChanged(String path) implements Mutation {}

    /** A file (or symlink) is gone: delete its object. */
    record FileRemoved(String path) implements Mutation {}

    /** A directory was created (mkdir): write its marker object "path/". */
    record DirCreated(String path) implements Mutation {}

    /** The attributes of an existing directory changed: write its marker object again. */
    record DirChanged(String path) implements Mutation {}

    /** A directory was removed: delete its marker object. */
    record DirRemoved(String path) implements Mutation {}

    /**
     * A file or a whole directory moved from {@code path} to {@code target} (replacing what was there, as
     * rename(2) does). In the bucket it is a server-side copy of every object at or below {@code path}, then their
     * deletion; it is also an ordering barrier: changes recorded before it under either name reach the store
     * before it, changes recorded after it reach the store after it.
     */
    record Renamed(String path, String target, boolean directory) implements Mutation {}
}
