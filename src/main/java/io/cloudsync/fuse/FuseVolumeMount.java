package io.cloudsync.fuse;

import io.cloudsync.cache.VolumeCache;
import org.cryptomator.jfuse.api.Fuse;
import org.cryptomator.jfuse.api.FuseBuilder;
import org.cryptomator.jfuse.api.FuseMountFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A volume mounted with FUSE, as an object with a lifecycle: {@link #mount} returns only once the mount answers
 * requests, {@link #close} unmounts and waits for the request loop to end, and is idempotent.
 *
 * <p>Unmounting: first a plain umount, which succeeds when nothing uses the mount and ends the connection. If the
 * mount is busy (a process still has a file open or its working directory there), the connection is aborted
 * (MNT_FORCE) and the mount detached, so the loop ends in any case; the users of the old mount get errors. Docker
 * unmounts only when the last container using the volume has stopped, so that case means a stray process.
 */
public final class FuseVolumeMount implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FuseVolumeMount.class.getName());
    private static final String PROGRAM_NAME = "cloudsync";
    private static final int READ_AHEAD_KB = 1024;

    private final VolumeCache cache;
    private final Path mountPoint;
    private final Fuse fuse;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Makes the kernel forget names whose file changed in the bucket; null if it could not be bound. */
    private volatile KernelEntryInvalidator entryInvalidator;

    private FuseVolumeMount(VolumeCache cache, Path mountPoint, Fuse fuse) {
        this.cache = cache;
        this.mountPoint = mountPoint;
        this.fuse = fuse;
    }

    public static FuseVolumeMount mount(VolumeCache cache, Path mountPoint) throws IOException {
        return mount(cache, mountPoint, FuseMountOptions.defaults(PROGRAM_NAME));
    }

    /**
     * Mounts {@code cache} at {@code mountPoint} (created if missing; a dead mount left there by a crashed process
     * is removed first) and returns once the mount answers. Fails if something else is mounted there.
     */
    public static FuseVolumeMount mount(VolumeCache cache, Path mountPoint, FuseMountOptions options)
            throws IOException {
        Path where = mountPoint.toAbsolutePath().normalize();
        cleanStaleMount(where);
        var existing = MountTable.at(where);
        if (existing.isPresent()) {
            throw new IOException("cannot mount at " + where + ": " + existing.get().source() + " ("
                    + existing.get().fsType() + ") is already mounted there");
        }
        Files.createDirectories(where);

        Path library = FuseLibrary.path();
        FuseBuilder builder = Fuse.builder();
        builder.setLibraryPath(library.toString());
        CacheFileSystem fs = new CacheFileSystem(cache, builder.errno(), FuseCallerContext.bind(library));
        Fuse fuse;
        try {
            fuse = builder.build(fs);
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("cannot load libfuse3 from " + library + ": " + e.getMessage(), e);
        }
        UnboundOperations.install(fuse, fs);
        List<String> args = options.toArgs(cache.isReadOnly());
        try {
            fuse.mount(PROGRAM_NAME, where, args.toArray(String[]::new)); // returns after a probe getattr arrived
        } catch (FuseMountFailedException | RuntimeException e) {
            closeQuietly(fuse, e);
            cleanStaleMount(where);
            throw new IOException("FUSE mount of " + cache.dataDir() + " at " + where + " with " + args
                    + " failed: " + e.getMessage(), e);
        }
        FuseVolumeMount mount = new FuseVolumeMount(cache, where, fuse);
        mount.verifyMounted();
        mount.raiseReadAhead();
        mount.invalidateStaleEntries(KernelEntryInvalidator.bind(library, fs.fuseHandle(), where));
        LOG.info(() -> "mounted " + cache.dataDir() + " at " + where + (fs.kernelWritebackCache()
                ? " (kernel writeback cache on)" : " (no kernel writeback cache)"));
        return mount;
    }

    private void invalidateStaleEntries(KernelEntryInvalidator invalidator) {
        this.entryInvalidator = invalidator;
        if (invalidator != null) {
            cache.setStaleEntries(invalidator);
        }
    }

    private void verifyMounted() throws IOException {
        try {
            Files.readAttributes(mountPoint, BasicFileAttributes.class);
            var entry = MountTable.at(mountPoint);
            if (entry.isEmpty() || !entry.get().fsType().equals("fuse." + FuseMountOptions.SUBTYPE)) {
                throw new IOException("after mounting, " + mountPoint + " shows " + entry + " instead of our FUSE mount");
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The kernel starts FUSE mounts with 128 KiB read-ahead; 1 MiB lifted cold reads ~30 %. Best effort. */
    private void raiseReadAhead() {
        try {
            var entry = MountTable.at(mountPoint);
            if (entry.isPresent()) {
                Path readAhead = Path.of("/sys/class/bdi", entry.get().device(), "read_ahead_kb");
                Files.writeString(readAhead, Integer.toString(READ_AHEAD_KB));
            }
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "cannot raise read-ahead of " + mountPoint + ": " + e);
        }
    }

    public Path mountPoint() {
        return mountPoint;
    }

    public VolumeCache cache() {
        return cache;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Unmounts (see the class comment), waits for the request loop to end, closes handles left open. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        cache.setStaleEntries(null);
        int err = Umount.umount2(mountPoint, Umount.NORMAL);
        if (err == Umount.EBUSY) {
            LOG.warning("the FUSE mount at " + mountPoint + " is busy: aborting its connection and detaching it");
            Umount.umount2(mountPoint, Umount.FORCE); // for FUSE this aborts the connection even if still busy
            err = Umount.umount2(mountPoint, Umount.DETACH);
        }
        if (err != 0 && err != Umount.EINVAL) {
            failure = new IOException("unmounting " + mountPoint + " failed with errno " + err);
        }
        if (entryInvalidator != null) {
            entryInvalidator.close(); // it must not use the session after fuse.close() frees it
        }
        try {
            fuse.close(); // exits the loop, waits for it (10 s at most), frees the session
        } catch (TimeoutException e) {
            IOException timeout = new IOException("the FUSE loop of " + mountPoint + " did not end after unmount", e);
            if (failure != null) {
                timeout.addSuppressed(failure);
            }
            failure = timeout;
        }
        cache.closeOpenFiles();
        if (failure != null) {
            throw failure;
        }
        LOG.info(() -> "unmounted " + mountPoint);
    }

    /**
     * Removes a dead FUSE mount at {@code mountPoint}, left by a crashed process ("transport endpoint is not
     * connected"). Returns whether there was one; does nothing to a live mount or a plain directory.
     */
    public static boolean cleanStaleMount(Path mountPoint) throws IOException {
        return StaleMounts.clean(mountPoint.toAbsolutePath().normalize());
    }

    private static void closeQuietly(Fuse fuse, Exception cause) {
        try {
            fuse.close();
        } catch (TimeoutException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.log(Level.WARNING, "closing a FUSE session after a failed mount", e);
        }
    }
}
