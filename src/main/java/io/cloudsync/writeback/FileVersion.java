package io.cloudsync.writeback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What identifies one state of a local file cheaply: inode, size, modification and change time. An upload is
 * complete only if the file had the same version before and after it was read; otherwise the store may hold a
 * mix of old and new bytes, and the upload is done again.
 */
record FileVersion(Object inode, long size, Object modified, Object changed) {

    static FileVersion of(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileVersion(a.get("ino"), (Long) a.get("size"), a.get("lastModifiedTime"), a.get("ctime"));
    }

    java.time.Instant modifiedTime() {
        return ((java.nio.file.attribute.FileTime) modified).toInstant();
    }
}
