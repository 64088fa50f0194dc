package io.cloudsync.journal;

/**
 * One change of a volume that the object store must be told about. Paths are relative to the volume root,
 * '/'-separated, without a leading slash ("a/b.txt"), so that a path is also the object key below the prefix.
 */
public sealed interface Mutation {

    String path();

    /** A regular file was created or changed (data or attributes): upload its current content. */
    record FileChanged(String path) implements Mutation {}

    /** A file (or symlink) is gone: delete its object. */
    record FileRemoved(String path) implements Mutation {}

    /** A directory was created: write its marker object "path/". */
    record DirCreated(String path) implements Mutation {}

    /** A directory was removed: delete its marker object. */
    record DirRemoved(String path) implements Mutation {}
}
