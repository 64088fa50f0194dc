package io.cloudsync.fuse;

import io.cloudsync.cache.StaleEntries;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the kernel drop its directory entry for a name whose file changed behind its back, with libfuse's
 * {@code fuse_lowlevel_notify_inval_entry}. Without the entry, an inode that no process holds open is evicted, and
 * the next lookup makes a new one with the size and mtime the cache has now. Invalidating the inode alone
 * ({@code fuse_invalidate_path}) is not enough: with the writeback cache the kernel keeps its own size.
 *
 * <p>The notification needs the kernel's node id of the parent directory, which libfuse's path-based API does not
 * give. The kernel does: FUSE encodes the node id into the file handle of {@code name_to_handle_at(2)} (two 32-bit
 * words, high then low, then the generation). The root is always node 1.
 *
 * <p>Notifications run on one thread of their own, never in a FUSE callback: the kernel takes the parent
 * directory's lock to handle one, and the callback that found the change may be serving a request that holds it.
 */
final class KernelEntryInvalidator implements StaleEntries, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KernelEntryInvalidator.class.getName());
    private static final long FUSE_ROOT_ID = 1;
    private static final int AT_FDCWD = -100;
    private static final int HANDLE_BYTES = 128;
    /** FILEID_INO64_GEN and FILEID_INO64_GEN_PARENT: the handle types the kernel's FUSE module encodes. */
    private static final int FILEID_INO64_GEN = 0x81;
    private static final int FILEID_INO64_GEN_PARENT = 0x82;
    private static final int ENOENT = 2;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle NAME_TO_HANDLE_AT = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("name_to_handle_at")
                    .orElseThrow(() -> new IllegalStateException("name_to_handle_at not found in the C library")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private final MemorySegment session;
    private final MethodHandle notifyInvalEntry;
    private final Path mountPoint;
    private final ExecutorService worker;

    private KernelEntryInvalidator(MemorySegment session, MethodHandle notifyInvalEntry, Path mountPoint) {
        this.session = session;
        this.notifyInvalEntry = notifyInvalEntry;
        this.mountPoint = mountPoint;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kernel-entries " + mountPoint);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds the notification for the session of {@code fuse} (libfuse's {@code struct fuse *}, from the FUSE
     * context). Returns null with a warning if that is not possible: remote replacements then show their new size
     * only once the kernel forgets the inode.
     */
    static KernelEntryInvalidator bind(Path library, MemorySegment fuse, Path mountPoint) {
        if (fuse == null || fuse.equals(MemorySegment.NULL)) {
            LOG.warning("no FUSE session handle for " + mountPoint + ": files replaced in the bucket may show their"
                    + " old size until the kernel forgets them");
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
            MethodHandle getSession = linker.downcallHandle(find(lookup, "fuse_get_session", library),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MethodHandle invalEntry = linker.downcallHandle(find(lookup, "fuse_lowlevel_notify_inval_entry", library),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            MemorySegment session = (MemorySegment) getSession.invokeExact(fuse);
            if (session.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("fuse_get_session returned NULL");
            }
            return new KernelEntryInvalidator(session, invalEntry, mountPoint);
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "cannot bind kernel entry invalidation for " + mountPoint + ": files replaced in"
                    + " the bucket may show their old size until the kernel forgets them", e);
            return null;
        }
    }

    private static MemorySegment find(SymbolLookup lookup, String name, Path library) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException(name + " not in " + library));
    }

    @Override
    public void entryChanged(String rel) {
        try {
            worker.execute(() -> invalidate(rel));
        } catch (RejectedExecutionException closing) {
            LOG.fine(() -> "not invalidating '" + rel + "': the mount is closing");
        }
    }

    private void invalidate(String rel) {
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        String name = rel.substring(slash + 1);
        if (name.isEmpty()) {
            return; // the root itself has no entry to drop
        }
        try (Arena arena = Arena.ofConfined()) {
            long parentNode = parent.isEmpty() ? FUSE_ROOT_ID : nodeId(arena, mountPoint.resolve(parent));
            if (parentNode == 0) {
                return; // the parent is gone (or the kernel has no entry for it): nothing stale below it
            }
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            int result = (int) notifyInvalEntry.invokeExact(session, parentNode, arena.allocateFrom(name),
                    (long) bytes.length);
            if (result != 0 && result != -ENOENT) { // ENOENT: the kernel had no entry for the name
                LOG.warning("the kernel refused to forget '" + rel + "' on " + mountPoint + " (errno " + -result
                        + "): it may show the file's old size until it forgets it itself");
            }
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "invalidating the kernel's entry of '" + rel + "' on " + mountPoint + " failed", e);
        }
    }

    /** The kernel's FUSE node id of the directory at {@code dir}, looked up through the mount; 0 if it is gone. */
    private static long nodeId(Arena arena, Path dir) throws Throwable {
        MemorySegment state = arena.allocate(CALL_STATE);
        MemorySegment handle = arena.allocate(8 + HANDLE_BYTES, 8);
        handle.set(ValueLayout.JAVA_INT, 0, HANDLE_BYTES);
        MemorySegment mountId = arena.allocate(ValueLayout.JAVA_INT);
        int result = (int) NAME_TO_HANDLE_AT.invokeExact(state, AT_FDCWD, arena.allocateFrom(dir.toString()), handle,
                mountId, 0);
        if (result != 0) {
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == ENOENT) {
                return 0;
            }
            throw new IllegalStateException("name_to_handle_at(" + dir + ") failed with errno " + errno);
        }
        int type = handle.get(ValueLayout.JAVA_INT, 4);
        if (type != FILEID_INO64_GEN && type != FILEID_INO64_GEN_PARENT) {
            throw new IllegalStateException("the kernel gave a file handle of type " + type + " for " + dir
                    + ", not FUSE's node id encoding");
        }
        long high = Integer.toUnsignedLong(handle.get(ValueLayout.JAVA_INT, 8));
        long low = Integer.toUnsignedLong(handle.get(ValueLayout.JAVA_INT, 12));
        return (high << 32) | low;
    }

    /**
     * Stops taking notifications and waits for the one running. Call before the session is destroyed; after an
     * unmount a running notification returns at once (the connection is gone).
     */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("a kernel entry invalidation on " + mountPoint + " did not end within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
