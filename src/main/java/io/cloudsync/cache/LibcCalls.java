package io.cloudsync.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What the cache's direct C library calls share ({@link SpecialNodes}, {@link NodeXattrs}): binding a function
 * with errno captured, and turning a failed call into the exception NIO throws for the same errno, whose reason is
 * the {@code strerror} text, so the FUSE layer maps it to the same errno.
 */
final class LibcCalls {

    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ERANGE = 34;
    static final int ENODATA = 61;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle STRERROR = bind("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT), false);

    private LibcCalls() {
    }

    /**
     * The C library's {@code name}, with errno captured into a first argument from {@link #callState} if
     * {@code captureErrno}; null if the library lacks it (glibc before 2.33 has no mknod symbol): uses then fail
     * through {@link #require}.
     */
    static MethodHandle bind(String name, FunctionDescriptor descriptor, boolean captureErrno) {
        Linker.Option[] options = captureErrno
                ? new Linker.Option[] {Linker.Option.captureCallState("errno")} : new Linker.Option[0];
        return LINKER.defaultLookup().find(name)
                .map(symbol -> LINKER.downcallHandle(symbol, descriptor, options)).orElse(null);
    }

    static MethodHandle require(MethodHandle function, String name) throws IOException {
        if (function == null) {
            throw new IOException("the C library has no " + name + "()");
        }
        return function;
    }

    /** Where a call leaves its errno. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** The exception NIO throws for {@code errno} on {@code node}. */
    static IOException failure(int errno, Path node) {
        String file = node.toString();
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(file);
            case EEXIST -> new FileAlreadyExistsException(file);
            case EACCES -> new AccessDeniedException(file);
            default -> new FileSystemException(file, null, strerror(errno));
        };
    }

    /** Turns a throwable from {@code invokeExact} into what the caller may throw. */
    static IOException rethrow(Throwable e, String call, Path node) {
        return switch (e) {
            case IOException io -> io;
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> new IOException(call + " of " + node + " failed", e);
        };
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
