package io.cloudsync.cache;

import java.time.Instant;

/**
 * One child of a directory as the bucket shows it, with the attributes it gets in the volume (the remote side has
 * already applied the volume's defaults where the object carried none).
 *
 * @param type     FILE, DIRECTORY, SYMLINK or a special type (FIFO, devices, SOCKET)
 * @param version  what identifies this content of a file in the bucket (its ETag); null for other types
 * @param target   a symlink's target; null for other types
 * @param rdev     a device's number as Linux's {@code st_rdev} encodes it; 0 for other types
 */
public record RemoteEntry(String name, NodeType type, long size, String version, int permissions, int uid, int gid,
                          Instant modifiedTime, String target, long rdev) {

    /** An entry that is not a device. */
    public RemoteEntry(String name, NodeType type, long size, String version, int permissions, int uid, int gid,
                       Instant modifiedTime, String target) {
        this(name, type, size, version, permissions, uid, gid, modifiedTime, target, 0);
    }

    /** An entry whose version is the one the caller already knows: its attributes were not read (no HEAD). */
    public static RemoteEntry unchanged(String name, NodeType type, long size, String version) {
        return new RemoteEntry(name, type, size, version, -1, -1, -1, null, null);
    }

    public boolean isUnchanged() {
        return permissions < 0;
    }
}
