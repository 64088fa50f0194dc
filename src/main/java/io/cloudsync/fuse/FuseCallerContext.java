package io.cloudsync.fuse;

import io.cloudsync.cache.Owner;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The uid and gid of the process whose request a FUSE worker thread is serving, from libfuse's
 * {@code fuse_get_context()} (jfuse 0.7 does not expose it). New files get this owner, so that with
 * {@code default_permissions} a container running as any uid owns what it creates.
 *
 * <pre>
 * struct fuse_context { struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid; void *private_data; mode_t umask; };
 * </pre>
 */
final class FuseCallerContext {

    private static final Logger LOG = Logger.getLogger(FuseCallerContext.class.getName());
    private static final long FUSE_OFFSET = 0;
    private static final long UID_OFFSET = 8;
    private static final long GID_OFFSET = 12;
    private static final long CONTEXT_SIZE = 40;

    private final MethodHandle getContext;

    private FuseCallerContext(MethodHandle getContext) {
        this.getContext = getContext;
    }

    /** Binds {@code fuse_get_context} in the library jfuse loaded; null (owner = this process) if that fails. */
    static FuseCallerContext bind(Path library) {
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
            MemorySegment symbol = lookup.find("fuse_get_context")
                    .orElseThrow(() -> new IllegalStateException("fuse_get_context not in " + library));
            MethodHandle handle = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.ADDRESS));
            return new FuseCallerContext(handle);
        } catch (RuntimeException e) {
            LOG.warning("cannot read the caller of FUSE requests (" + e + "): new files will be owned by uid "
                    + "of the plugin process");
            return null;
        }
    }

    /** The caller of the request being served on this thread; call only from a FUSE callback. */
    Owner caller() {
        MemorySegment c = context();
        return c == null ? null
                : new Owner(c.get(ValueLayout.JAVA_INT, UID_OFFSET), c.get(ValueLayout.JAVA_INT, GID_OFFSET));
    }

    /** libfuse's {@code struct fuse *} of the mount whose request this thread serves; only in a FUSE callback. */
    MemorySegment fuse() {
        MemorySegment c = context();
        return c == null ? null : c.get(ValueLayout.ADDRESS, FUSE_OFFSET);
    }

    private MemorySegment context() {
        MemorySegment context;
        try {
            context = (MemorySegment) getContext.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("fuse_get_context failed", e);
        }
        return context.equals(MemorySegment.NULL) ? null : context.reinterpret(CONTEXT_SIZE);
    }
}
