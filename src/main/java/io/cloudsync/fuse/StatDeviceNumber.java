package io.cloudsync.fuse;

import org.cryptomator.jfuse.api.Stat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Sets {@code st_rdev}, the number of a device node, in the native {@code struct stat} behind a jfuse {@link Stat}:
 * jfuse 0.7 has no setter for it, and without it {@code ls -l} of a device shows 0, 0.
 *
 * <p>jfuse's Linux {@code Stat} is a record over the native struct ({@code segment()}), read by reflection (the
 * plugin runs on the class path). Offsets are glibc's x86_64 {@code struct stat} (st_mode at 24, st_uid 28, st_gid
 * 32, st_rdev 40); before writing, the mode, uid and gid already set through jfuse are read back at their offsets,
 * so a struct of another layout is never written into. If anything differs, a warning says so once and devices
 * show device number 0; nothing else changes.
 */
final class StatDeviceNumber {

    private static final Logger LOG = Logger.getLogger(StatDeviceNumber.class.getName());
    private static final long MODE_OFFSET = 24;
    private static final long UID_OFFSET = 28;
    private static final long GID_OFFSET = 32;
    private static final long RDEV_OFFSET = 40;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private StatDeviceNumber() {
    }

    /** Call after mode, uid and gid are set on {@code stat}. */
    static void set(Stat stat, long rdev) {
        try {
            MemorySegment segment = segmentOf(stat);
            if (segment.get(ValueLayout.JAVA_INT, MODE_OFFSET) != stat.getMode()
                    || segment.get(ValueLayout.JAVA_INT, UID_OFFSET) != stat.getUid()
                    || segment.get(ValueLayout.JAVA_INT, GID_OFFSET) != stat.getGid()) {
                throw new IllegalStateException("jfuse's struct stat is not laid out as glibc's on x86_64");
            }
            segment.set(ValueLayout.JAVA_LONG, RDEV_OFFSET, rdev);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warning("cannot set the device number in jfuse's stat (" + e + "): devices show 0, 0");
            }
        }
    }

    private static MemorySegment segmentOf(Stat stat) throws ReflectiveOperationException {
        Method accessor = stat.getClass().getDeclaredMethod("segment");
        accessor.setAccessible(true);
        return (MemorySegment) accessor.invoke(stat);
    }
}
