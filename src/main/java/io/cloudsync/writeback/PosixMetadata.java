package io.cloudsync.writeback;

import io.cloudsync.cache.NodeType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The POSIX attributes an object carries as user metadata, under the names s3fs gives them, so that a bucket written
 * by either tool reads right in the other: {@code mode} is the whole {@code st_mode} in decimal (type bits too, so
 * 33188 is a 0644 file and 16877 a 0755 directory), {@code uid} and {@code gid} are decimal, {@code mtime} is seconds
 * since the epoch with an optional fraction ("1700000000" or "1700000000.250000000"), which is also what rclone
 * writes and reads. A special file's mode has its type bits (4516 is a 0644 FIFO, 8612 a 0644 character device), as
 * s3fs writes it; a device also carries {@code rdev}, which s3fs does not keep (see {@link DeviceNumber}).
 */
public record PosixMetadata(int mode, int uid, int gid, Instant mtime, long rdev) {

    public static final String MODE = "mode";
    public static final String UID = "uid";
    public static final String GID = "gid";
    public static final String MTIME = "mtime";
    /** A device's number (s3fs keeps none; the name and form are rclone's, see {@link DeviceNumber}). */
    public static final String RDEV = "rdev";

    static final int S_IFREG = 0100000;

    /** Attributes of a node that is not a device ({@code rdev} 0). */
    public PosixMetadata(int mode, int uid, int gid, Instant mtime) {
        this(mode, uid, gid, mtime, 0);
    }

    /** The attributes of the cache node at {@code node} itself, from one lstat (a symlink is not followed). */
    static PosixMetadata of(Path node) throws IOException {
        Map<String, Object> a = Files.readAttributes(node, "unix:mode,uid,gid,lastModifiedTime,rdev",
                LinkOption.NOFOLLOW_LINKS);
        return new PosixMetadata((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), (Long) a.get("rdev"));
    }

    /** The user metadata map (names without the "x-amz-meta-" prefix); {@code rdev} only for a device. */
    public Map<String, String> toUserMetadata() {
        Map<String, String> m = new java.util.HashMap<>(Map.of(MODE, Integer.toString(mode),
                UID, Integer.toString(uid), GID, Integer.toString(gid), MTIME, formatTime(mtime)));
        if (NodeType.ofMode(mode).isDevice()) {
            m.put(RDEV, DeviceNumber.ofLinux(rdev).format());
        }
        return Map.copyOf(m);
    }

    /**
     * Reads what {@link #toUserMetadata} (or s3fs, or rclone's mtime) wrote. Each attribute that is missing or does
     * not parse is empty, so the caller applies its defaults attribute by attribute.
     */
    public static Parsed parse(Map<String, String> userMetadata) {
        return new Parsed(parseInt(userMetadata.get(MODE)), parseInt(userMetadata.get(UID)),
                parseInt(userMetadata.get(GID)), parseTime(userMetadata.get(MTIME)),
                DeviceNumber.parse(userMetadata.get(RDEV)).map(DeviceNumber::toLinux));
    }

    /** Attributes as found on an object; any of them may be absent. {@code rdev} is in Linux's encoding. */
    public record Parsed(Optional<Integer> mode, Optional<Integer> uid, Optional<Integer> gid, Optional<Instant> mtime,
                         Optional<Long> rdev) {
    }

    static String formatTime(Instant t) {
        return t.getNano() == 0 ? Long.toString(t.getEpochSecond())
                : t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    static Optional<Instant> parseTime(String value) {
        if (value == null || !value.matches("-?\\d{1,18}(\\.\\d{1,9})?")) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot < 0) {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
        }
        String fraction = (value.substring(dot + 1) + "000000000").substring(0, 9);
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(value.substring(0, dot)), Long.parseLong(fraction)));
    }

    private static Optional<Integer> parseInt(String value) {
        if (value == null || !value.matches("\\d{1,10}")) {
            return Optional.empty();
        }
        long v = Long.parseLong(value);
        return v <= 0xFFFFFFFFL ? Optional.of((int) v) : Optional.empty();
    }
}
