package io.cloudsync.cache;

import java.time.Instant;

/**
 * One child of a directory as the bucket shows it, with the attributes it gets in the volume (the remote side has
 * already applied the volume's defaults where the object carried none).
 *
 * @param type     FILE, DIRECTORY or SYMLINK
 * @param version  what identifies this content of a file in the bucket (its ETag); null for other types
 * @param target   a symlink's target; null for other types
 */
public record RemoteEntry(String name, NodeType type, long size, String version, int permissions, int uid, int gid,
                          Instant modifiedTime, String target) {

    /** An entry whose version is the one the caller already knows: its attributes were not read (no HEAD). */
    public static RemoteEntry unchanged(String name, NodeType type, long size, String version) {
        return new RemoteEntry(name, type, size, version, -1, -1, -1, null, null);
    }

    public boolean isUnchanged() {
        return permissions < 0;
    }
}
