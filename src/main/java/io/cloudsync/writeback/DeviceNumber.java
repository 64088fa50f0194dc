package io.cloudsync.writeback;

import java.util.Optional;

/**
 * The number of a character or block device, as major and minor. Linux's {@code st_rdev} packs them in an odd
 * layout (the low 8 bits of the minor, then 12 bits of major, then the rest of each); in user metadata the number is
 * written as rclone writes its {@code rdev} on Linux: {@code major << 32 | minor} in hexadecimal, so 1:3
 * ({@code /dev/null}) is "100000003". s3fs keeps no device numbers.
 */
record DeviceNumber(long major, long minor) {

    private static final long LOW_32 = 0xffffffffL;

    DeviceNumber {
        if (major < 0 || major > LOW_32 || minor < 0 || minor > LOW_32) {
            throw new IllegalArgumentException("device number " + major + ":" + minor + " out of range");
        }
    }

    /** From Linux's {@code dev_t} encoding (what lstat reports and mknod takes). */
    static DeviceNumber ofLinux(long dev) {
        long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
        long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
        return new DeviceNumber(major, minor);
    }

    /** Linux's {@code dev_t} encoding of this number. */
    long toLinux() {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** The user-metadata form (see the class comment). */
    String format() {
        return Long.toHexString(major << 32 | minor);
    }

    /** Reads {@link #format}'s form; empty if the value is missing or is no such number. */
    static Optional<DeviceNumber> parse(String value) {
        if (value == null || !value.matches("[0-9a-fA-F]{1,16}")) {
            return Optional.empty();
        }
        long packed = Long.parseUnsignedLong(value, 16);
        return Optional.of(new DeviceNumber(packed >>> 32, packed & LOW_32));
    }
}
