package io.cloudsync.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Extended attributes of cache nodes in the {@code user.} namespace, by path with {@code lgetxattr},
 * {@code lsetxattr} and {@code lremovexattr}, never by opening the node: NIO's {@code UserDefinedFileAttributeView}
 * opens it read-only first, which blocks forever on a FIFO without a writer (and a FIFO may take a file's name
 * between a caller's type check and the call). On a node that cannot carry user attributes (FIFO, device, socket,
 * symlink) Linux answers a read with "no such attribute" and a write or a removal with EPERM: a caller may err,
 * it never hangs.
 * The common read (no such attribute) is one call, where NIO needs open, fgetxattr and close.
 */
final class NodeXattrs {

    private static final String NAMESPACE = "user.";
    private static final long FIRST_READ = 512;

    private static final MethodHandle LGETXATTR = LibcCalls.bind("lgetxattr", FunctionDescriptor.of(
            ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            true);
    private static final MethodHandle LSETXATTR = LibcCalls.bind("lsetxattr", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT), true);
    private static final MethodHandle LREMOVEXATTR = LibcCalls.bind("lremovexattr", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), true);

    private NodeXattrs() {
    }

    /** The value of {@code user.<name>} of the node itself, empty if it has none. */
    static Optional<String> read(Path node, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(node.toString());
            MemorySegment attribute = arena.allocateFrom(NAMESPACE + name);
            MemorySegment state = LibcCalls.callState(arena);
            MethodHandle lgetxattr = LibcCalls.require(LGETXATTR, "lgetxattr");
            long capacity = FIRST_READ;
            while (true) {
                MemorySegment buf = arena.allocate(capacity);
                long n = (long) lgetxattr.invokeExact(state, path, attribute, buf, capacity);
                if (n >= 0) {
                    return Optional.of(new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                            StandardCharsets.UTF_8));
                }
                int errno = LibcCalls.errno(state);
                if (errno == LibcCalls.ENODATA) {
                    return Optional.empty();
                }
                if (errno != LibcCalls.ERANGE) {
                    throw LibcCalls.failure(errno, node);
                }
                capacity *= 4; // longer than the buffer (a long list of present ranges): try again with more room
            }
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "lgetxattr " + name, node);
        }
    }

    /** Sets {@code user.<name>} of the node itself. */
    static void write(Path node, String name, String value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment state = LibcCalls.callState(arena);
            int rc = (int) LibcCalls.require(LSETXATTR, "lsetxattr").invokeExact(state,
                    arena.allocateFrom(node.toString()), arena.allocateFrom(NAMESPACE + name), data,
                    (long) bytes.length, 0);
            if (rc != 0) {
                throw LibcCalls.failure(LibcCalls.errno(state), node);
            }
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "lsetxattr " + name, node);
        }
    }

    /** Removes {@code user.<name>} of the node itself; nothing if it has none. */
    static void remove(Path node, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibcCalls.callState(arena);
            int rc = (int) LibcCalls.require(LREMOVEXATTR, "lremovexattr").invokeExact(state,
                    arena.allocateFrom(node.toString()), arena.allocateFrom(NAMESPACE + name));
            if (rc != 0 && LibcCalls.errno(state) != LibcCalls.ENODATA) {
                throw LibcCalls.failure(LibcCalls.errno(state), node);
            }
        } catch (Throwable e) {
            throw LibcCalls.rethrow(e, "lremovexattr " + name, node);
        }
    }
}
