package io.cloudsync.fuse;

import org.cryptomator.jfuse.api.Fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.logging.Logger;

/**
 * Makes {@code link(2)} fail with EPERM, which is what Linux answers for a filesystem without hard links
 * ("Operation not permitted"), instead of libfuse's ENOSYS. A hard link cannot be kept in an object store.
 *
 * <p>jfuse 0.7 has no LINK operation, so this writes an upcall into the {@code link} slot of the
 * {@code fuse_operations} struct jfuse allocated, before mount copies it into libfuse. Best effort: if jfuse's
 * internals change, links keep failing with ENOSYS and a warning says why.
 */
final class HardLinkRefusal {

    private static final Logger LOG = Logger.getLogger(HardLinkRefusal.class.getName());
    /** Offset of {@code int (*link)(const char *, const char *)} in libfuse3's struct fuse_operations (x86_64). */
    private static final long LINK_SLOT_OFFSET = 64;
    private static final MemorySegment REFUSE_LINK = refuseLinkStub();

    private HardLinkRefusal() {
    }

    private static MemorySegment refuseLinkStub() {
        try {
            var handle = MethodHandles.lookup().findStatic(HardLinkRefusal.class, "refuseLink",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            return Linker.nativeLinker().upcallStub(handle,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // called from native code
    private static int refuseLink(MemorySegment from, MemorySegment to) {
        return -ErrnoMapper.EPERM;
    }

    /** Call after {@code FuseBuilder.build} and before {@code Fuse.mount}. */
    static void install(Fuse fuse) {
        try {
            Field field = Fuse.class.getDeclaredField("fuseOperationsStruct");
            field.setAccessible(true);
            MemorySegment struct = (MemorySegment) field.get(fuse);
            struct.set(ValueLayout.ADDRESS, LINK_SLOT_OFFSET, REFUSE_LINK);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("cannot install the hard-link refusal (" + e + "): ln without -s fails with ENOSYS");
        }
    }
}
