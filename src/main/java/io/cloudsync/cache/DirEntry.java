package io.cloudsync.cache;

/** One child of a listed directory, with its attributes read in the same pass (for readdirplus). */
public record DirEntry(String name, NodeAttributes attributes) {
}
