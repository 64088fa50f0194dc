package io.cloudsync.fuse;

import org.cryptomator.jfuse.api.Fuse;
import org.cryptomator.jfuse.api.FuseOperations.Operation;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The libfuse operations jfuse 0.7 has no {@code Operation} for, bound by hand: {@code mknod} (FIFOs, devices and
 * sockets; without it libfuse answers ENOSYS) and {@code link} (refused with EPERM, what Linux answers for a
 * filesystem without hard links, since a hard link cannot be kept in an object store).
 *
 * <p>Why this way: jfuse fills a native {@code struct fuse_operations} with its upcall stubs when the {@link Fuse}
 * is built and hands it to {@code fuse_new} (which copies it) only at mount. Between the two, this writes our own
 * upcall stubs into the two empty slots. The struct and the arena that owns jfuse's stubs are protected fields of
 * the public {@link Fuse} class, read by reflection (the plugin runs on the class path); our stubs live in that
 * arena, so they are freed when jfuse frees its own. The slot offsets are libfuse 3's ABI on 64-bit Linux (a
 * {@code fuse_new} of any libfuse 3 copies at least these), checked against what jfuse wrote: the slots of
 * operations it bound must be filled, ours must be empty. If anything differs, nothing is written and a warning
 * says why: mknod and link then fail with ENOSYS as before, and nothing crashes.
 */
final class UnboundOperations {

    private static final Logger LOG = Logger.getLogger(UnboundOperations.class.getName());

    /** Offsets in libfuse 3's struct fuse_operations (64-bit): getattr, readlink, mknod, mkdir, ..., link (9th). */
    private static final long GETATTR_SLOT = 0;
    private static final long READLINK_SLOT = 8;
    private static final long MKNOD_SLOT = 16;
    private static final long MKDIR_SLOT = 24;
    private static final long SYMLINK_SLOT = 48;
    private static final long RENAME_SLOT = 56;
    private static final long LINK_SLOT = 64;
    /** Slots of operations jfuse binds when the filesystem supports them: they tell whether the layout is libfuse 3's. */
    private static final Map<Operation, Long> BOUND_BY_JFUSE = Map.of(Operation.GET_ATTR, GETATTR_SLOT,
            Operation.READLINK, READLINK_SLOT, Operation.MKDIR, MKDIR_SLOT, Operation.SYMLINK, SYMLINK_SLOT,
            Operation.RENAME, RENAME_SLOT);

    private static final FunctionDescriptor MKNOD = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG); // (const char *, mode_t, dev_t)
    private static final FunctionDescriptor LINK = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS); // (const char *, const char *)
    /** Longest path a FUSE request carries (PATH_MAX, with its NUL). */
    private static final long PATH_MAX = 4096;

    private UnboundOperations() {
    }

    /** Call after {@code FuseBuilder.build} and before {@code Fuse.mount}. */
    static void install(Fuse fuse, CacheFileSystem fs) {
        try {
            MemorySegment struct = (MemorySegment) protectedField(fuse, "fuseOperationsStruct");
            Arena arena = (Arena) protectedField(fuse, "fuseArena");
            checkLayout(struct, fs.supportedOperations());
            MemorySegment mknod = upcall("mknod", MKNOD, arena, fs);
            MemorySegment link = upcall("refuseLink", LINK, arena, null);
            struct.set(ValueLayout.ADDRESS, MKNOD_SLOT, mknod); // both or neither: nothing below can fail
            struct.set(ValueLayout.ADDRESS, LINK_SLOT, link);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("cannot bind mknod and link in jfuse's fuse_operations (" + e + "): mkfifo, mknod and ln"
                    + " without -s fail with ENOSYS");
        }
    }

    private static Object protectedField(Fuse fuse, String name) throws ReflectiveOperationException {
        Field field = Fuse.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(fuse);
    }

    private static void checkLayout(MemorySegment struct, Set<Operation> bound) {
        if (struct.byteSize() < LINK_SLOT + ValueLayout.ADDRESS.byteSize()) {
            throw new IllegalStateException("fuse_operations is only " + struct.byteSize() + " bytes");
        }
        BOUND_BY_JFUSE.forEach((operation, offset) -> {
            if (bound.contains(operation) && isEmpty(struct, offset)) {
                throw new IllegalStateException("no " + operation + " at offset " + offset + " of fuse_operations");
            }
        });
        if (!isEmpty(struct, MKNOD_SLOT) || !isEmpty(struct, LINK_SLOT)) {
            throw new IllegalStateException("the mknod or link slot of fuse_operations is already filled");
        }
    }

    private static boolean isEmpty(MemorySegment struct, long offset) {
        return struct.get(ValueLayout.ADDRESS, offset).equals(MemorySegment.NULL);
    }

    private static MemorySegment upcall(String method, FunctionDescriptor descriptor, Arena arena, CacheFileSystem fs) {
        try {
            MethodType type = descriptor.toMethodType();
            MethodHandle handle;
            if (fs == null) {
                handle = MethodHandles.lookup().findStatic(UnboundOperations.class, method, type);
            } else {
                handle = MethodHandles.lookup().findStatic(UnboundOperations.class, method,
                        type.insertParameterTypes(0, CacheFileSystem.class)).bindTo(fs);
            }
            return Linker.nativeLinker().upcallStub(handle, descriptor, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no upcall target " + method, e);
        }
    }

    /** Called by libfuse; must never throw (an exception in an upcall ends the JVM). */
    @SuppressWarnings("unused")
    private static int mknod(CacheFileSystem fs, MemorySegment path, int mode, long rdev) {
        try {
            return fs.mknod(path.reinterpret(PATH_MAX).getString(0), mode, rdev);
        } catch (Throwable e) {
            LOG.warning("mknod from libfuse failed: " + e);
            return -ErrnoMapper.EIO;
        }
    }

    @SuppressWarnings("unused") // called by libfuse
    private static int refuseLink(MemorySegment from, MemorySegment to) {
        return -ErrnoMapper.EPERM;
    }
}
