package io.cloudsync.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Makes FIFOs, device nodes and sockets in the cache directory and changes their mode and times, with C library
 * calls that take a path and never open the node. NIO cannot be used for these: it has no mknod, and its chmod and
 * utimes with {@code NOFOLLOW_LINKS} open the node read-only first, which blocks forever on a FIFO without a writer
 * (and would open a device). Owners are set with NIO, which uses {@code lchown}.
 */
final class SpecialNodes {

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code tv_nsec} value that leaves a time unchanged. */
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private static final MethodHandle MKNOD = LibcCalls.bind("mknod", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), true);
    private static final MethodHandle FCHMODAT = LibcCalls.bind("fchmodat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    private static final MethodHandle UTIMENSAT = LibcCalls.bind("utimensat", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            true);

    private SpecialNodes() {
    }

    /**
     * mknod(2): a node of {@code type} (special) at {@code node} with no permissions yet (the process umask must
     * not decide them; {@link #chmod} sets them). {@code rdev} is the device number of a device, else ignored.
     */
    static void make(Path node, NodeType type, long rdev) throws IOException {
        if (!type.isSpecial()) {
            throw new IllegalArgumentException(type + " is not a special node type");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibcCalls.callState(arena);
            int rc = (int) LibcCalls.require(MKNOD, "mknod").invokeExact(state, arena.allocateFrom(node.toString()),
                    type.typeBits(), type.isDevice() ? rdev : 0L);
            check(rc, state, node);
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "mknod", node);
        }
    }

    /** Sets the permission bits (with set-uid, set-gid, sticky) of a node that is not a symlink. */
    static void chmod(Path node, int permissions) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibcCalls.callState(arena);
            int rc = (int) LibcCalls.require(FCHMODAT, "fchmodat").invokeExact(state, AT_FDCWD,
                    arena.allocateFrom(node.toString()), permissions & 07777, AT_SYMLINK_NOFOLLOW);
            check(rc, state, node);
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "chmod", node);
        }
    }

    /** Sets access and modification times of the node itself; null leaves that time unchanged. */
    static void setTimes(Path node, Instant accessTime, Instant modifiedTime) throws IOException {
        if (accessTime == null && modifiedTime == null) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4); // struct timespec[2]
            putTime(times, 0, accessTime);
            putTime(times, 2, modifiedTime);
            MemorySegment state = LibcCalls.callState(arena);
            int rc = (int) LibcCalls.require(UTIMENSAT, "utimensat").invokeExact(state, AT_FDCWD,
                    arena.allocateFrom(node.toString()), times, AT_SYMLINK_NOFOLLOW);
            check(rc, state, node);
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "utimensat", node);
        }
    }

    private static void putTime(MemorySegment times, int index, Instant t) {
        times.setAtIndex(ValueLayout.JAVA_LONG, index, t == null ? 0 : t.getEpochSecond());
        times.setAtIndex(ValueLayout.JAVA_LONG, index + 1, t == null ? UTIME_OMIT : t.getNano());
    }

    private static void check(int rc, MemorySegment state, Path node) throws IOException {
        if (rc != 0) {
            throw LibcCalls.failure(LibcCalls.errno(state), node);
        }
    }
}
