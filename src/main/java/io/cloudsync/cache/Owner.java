package io.cloudsync.cache;

/** The numeric owner a new file, directory or symlink gets: the uid and gid of the process that created it. */
public record Owner(int uid, int gid) {
}
