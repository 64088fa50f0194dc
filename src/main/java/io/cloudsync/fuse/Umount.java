package io.cloudsync.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * {@code umount2(2)} called directly, so unmounting needs no helper program in the plugin's rootfs (the plugin runs
 * as root with CAP_SYS_ADMIN). For FUSE, {@link #FORCE} aborts the connection, which ends the request loop even
 * while the mount is busy; {@link #DETACH} takes the mount out of the tree at once (lazy unmount).
 */
final class Umount {

    static final int NORMAL = 0;
    static final int FORCE = 1;  // MNT_FORCE
    static final int DETACH = 2; // MNT_DETACH

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle UMOUNT2 = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("umount2")
                    .orElseThrow(() -> new IllegalStateException("umount2 not found in the C library")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private Umount() {
    }

    /** Calls umount2; returns 0 on success, else the errno. */
    static int umount2(Path mountPoint, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(mountPoint.toString()), flags);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("umount2 of " + mountPoint + " failed", e);
        }
    }
}
