package io.cloudsync.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * The POSIX attributes of one node, as {@code lstat} reports them for its cache file. {@code mode} carries the type
 * bits ({@code S_IFREG}, {@code S_IFDIR}, ...) as well as the permission bits; {@code rdev} is a device's number
 * ({@code st_rdev}, 0 for other nodes).
 */
public record NodeAttributes(int mode, int uid, int gid, long size, int nlink,
                             Instant accessTime, Instant modifiedTime, Instant changeTime, long rdev) {

    /** One {@code lstat}; the "unix" view gives numeric ids without a user-name lookup. */
    private static final String UNIX_ATTRIBUTES =
            "unix:mode,uid,gid,size,nlink,lastAccessTime,lastModifiedTime,ctime,rdev";

    static NodeAttributes read(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return new NodeAttributes(
                (Integer) a.get("mode"),
                (Integer) a.get("uid"),
                (Integer) a.get("gid"),
                (Long) a.get("size"),
                (Integer) a.get("nlink"),
                ((FileTime) a.get("lastAccessTime")).toInstant(),
                ((FileTime) a.get("lastModifiedTime")).toInstant(),
                ((FileTime) a.get("ctime")).toInstant(),
                (Long) a.get("rdev"));
    }

    public NodeType type() {
        return NodeType.ofMode(mode);
    }

    /** The permission bits with set-uid, set-gid and sticky: {@code mode & 07777}. */
    public int permissions() {
        return mode & 07777;
    }
}
