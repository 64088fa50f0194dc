package io.cloudsync.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Makes FIFOs, device nodes and sockets in the cache directory and changes their mode and times, with libc calls
 * that take a path and never open the node. NIO cannot be used for these: it has no mknod, and its chmod, utimes
 * and extended-attribute calls with {@code NOFOLLOW_LINKS} open the node read-only first, which blocks forever on
 * a FIFO without a writer (and would open a device). Owners are set with NIO, which uses {@code lchown}.
 */
final class SpecialNodes {

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code tv_nsec} value that leaves a time unchanged. */
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int EEXIST = 17;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VALUE = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MKNOD = bind("mknod", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), ERRNO);
    private static final MethodHandle FCHMODAT = bind("fchmodat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle UTIMENSAT = bind("utimensat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle STRERROR = bind("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private SpecialNodes() {
    }

    /** null if the C library lacks the function (glibc before 2.33 has no mknod symbol): each use then fails. */
    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        SymbolLookup libc = LINKER.defaultLookup();
        return libc.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, options)).orElse(null);
    }

    private static MethodHandle require(MethodHandle function, String name) throws IOException {
        if (function == null) {
            throw new IOException("the C library has no " + name + "(): special files cannot be made or changed");
        }
        return function;
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
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) require(MKNOD, "mknod").invokeExact(state, arena.allocateFrom(node.toString()), type.typeBits(),
                    type.isDevice() ? rdev : 0L);
            check(rc, state, node);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("mknod of " + node + " failed", e);
        }
    }

    /** Sets the permission bits (with set-uid, set-gid, sticky) of a node that is not a symlink. */
    static void chmod(Path node, int permissions) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) require(FCHMODAT, "fchmodat").invokeExact(state, AT_FDCWD, arena.allocateFrom(node.toString()),
                    permissions & 07777, AT_SYMLINK_NOFOLLOW);
            check(rc, state, node);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("chmod of " + node + " failed", e);
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
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) require(UTIMENSAT, "utimensat").invokeExact(state, AT_FDCWD, arena.allocateFrom(node.toString()), times,
                    AT_SYMLINK_NOFOLLOW);
            check(rc, state, node);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("utimensat of " + node + " failed", e);
        }
    }

    private static void putTime(MemorySegment times, int index, Instant t) {
        times.setAtIndex(ValueLayout.JAVA_LONG, index, t == null ? 0 : t.getEpochSecond());
        times.setAtIndex(ValueLayout.JAVA_LONG, index + 1, t == null ? UTIME_OMIT : t.getNano());
    }

    /** A failed call becomes the exception NIO would have thrown for the same errno (the FUSE layer maps those). */
    private static void check(int rc, MemorySegment state, Path node) throws IOException {
        if (rc == 0) {
            return;
        }
        int errno = (int) ERRNO_VALUE.get(state, 0L);
        String file = node.toString();
        switch (errno) {
            case ENOENT -> throw new NoSuchFileException(file);
            case EEXIST -> throw new FileAlreadyExistsException(file);
            case EACCES -> throw new AccessDeniedException(file);
            default -> throw new FileSystemException(file, null, strerror(errno)); // the text NIO would give
        }
    }

    private static String strerror(int errno) {
        if (STRERROR == null) {
            return "errno " + errno;
        }
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }
}
