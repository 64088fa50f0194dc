package io.cloudsync.fuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a volume is mounted.
 *
 * @param fsName       shown as the source in /proc/mounts and {@code df} (e.g. "cloudsync:myvolume")
 * @param attrTimeout  how long the kernel may cache attributes (remote changes show up after at most this)
 * @param entryTimeout how long the kernel may cache name lookups
 */
public record FuseMountOptions(String fsName, Duration attrTimeout, Duration entryTimeout) {

    public static final String SUBTYPE = "cloudsync";

    public FuseMountOptions {
        if (fsName == null || fsName.isBlank() || fsName.contains(",") || fsName.contains(" ")) {
            throw new IllegalArgumentException("fsName must be non-empty, without ',' or spaces: '" + fsName + "'");
        }
        if (attrTimeout.isNegative() || entryTimeout.isNegative()) {
            throw new IllegalArgumentException("FUSE cache timeouts cannot be negative");
        }
    }

    public static FuseMountOptions defaults(String fsName) {
        return new FuseMountOptions(fsName, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /**
     * The libfuse arguments. No "-s": the multithreaded loop. max_read must match {@code setMaxRead} in init.
     * allow_other: containers run as any uid. default_permissions: the kernel checks mode bits, since this
     * process (root) would otherwise allow everything. kernel_cache: the pages of a file stay
     * cached across opens (auto_cache dropped them at every open after a write, since the mtime had moved: warm
     * reads went through FUSE). Nothing changes a file behind the kernel's back without telling it: a remote update
     * drops the kernel's entry for the name (KernelEntryInvalidator), and with it the inode and its pages.
     */
    List<String> toArgs(boolean readOnly) {
        List<String> o = new ArrayList<>(List.of(
                "fsname=" + fsName,
                "subtype=" + SUBTYPE,
                "allow_other",
                "default_permissions",
                "kernel_cache",
                "attr_timeout=" + seconds(attrTimeout),
                "entry_timeout=" + seconds(entryTimeout),
                "max_read=" + CacheFileSystem.ONE_MIB));
        if (readOnly) {
            o.add("ro");
        }
        return List.of("-o", String.join(",", o));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
