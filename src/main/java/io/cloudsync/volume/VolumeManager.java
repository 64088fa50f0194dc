package io.cloudsync.volume;

import io.cloudsync.api.FlushResult;
import io.cloudsync.api.VolumeDriver;
import io.cloudsync.api.VolumeInfo;
import io.cloudsync.cache.VolumeCache;
import io.cloudsync.config.InvalidOptionException;
import io.cloudsync.config.VolumeOptions;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;
import io.cloudsync.writeback.UploadStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The volume driver: the registry of volumes (persisted), their mount IDs (persisted, like rclone's driver),
 * the open volumes and their mounts. The first Mount of a volume starts its FUSE mount, the last Unmount stops
 * it; uploads run all the time the volume is open.
 *
 * <p>Lock: {@code lock} guards the registry, the open volumes and the mounts. Object store calls (bucket checks,
 * flushes) happen outside it; mounting and unmounting happen under it, since Docker waits for them anyway.
 */
public final class VolumeManager implements VolumeDriver, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VolumeManager.class.getName());
    /** Docker gives a Remove one minute; leave room for the answer. */
    static final Duration REMOVE_FLUSH_TIMEOUT = Duration.ofSeconds(50);

    private final Path stateDir;
    private final Path mountRoot;
    private final String defaultBucket;
    private final StoreFactory stores;
    private final Mounter mounter;

    private final ReentrantLock lock = new ReentrantLock();
    private final VolumeRegistry registry;
    private final Map<String, OpenVolume> open = new HashMap<>();
    private final Map<String, Mounter.Mount> mounts = new HashMap<>();
    /**
     * Mount IDs Docker gave this process. IDs inherited from a previous process may be stale: when the plugin
     * crashes, Docker's retried Unmount arrives with an empty body (moby's plugin client resends a drained
     * request), so the release is lost. Docker only asks to remove a volume no container references, so at a
     * Remove such inherited IDs are forgotten instead of blocking the volume forever.
     */
    private final Set<String> mountIdsSinceStart = new HashSet<>();

    private VolumeManager(Path stateDir, Path mountRoot, String defaultBucket, StoreFactory stores, Mounter mounter,
                          VolumeRegistry registry) {
        this.stateDir = stateDir;
        this.mountRoot = mountRoot;
        this.defaultBucket = defaultBucket;
        this.stores = stores;
        this.mounter = mounter;
        this.registry = registry;
    }

    /**
     * Loads the registry, opens every volume (replaying its journal, resuming its uploads) and mounts again the
     * volumes Docker still holds mounted (their previous mount died with the previous process).
     */
    public static VolumeManager start(Path stateDir, Path mountRoot, String defaultBucket, StoreFactory stores,
                                      Mounter mounter) throws IOException {
        Files.createDirectories(stateDir.resolve("volumes"));
        Files.createDirectories(mountRoot);
        VolumeManager m = new VolumeManager(stateDir, mountRoot, defaultBucket, stores, mounter,
                VolumeRegistry.load(stateDir.resolve("volumes.json")));
        m.lock.lock();
        try {
            for (VolumeRecord r : m.registry.all()) {
                try {
                    OpenVolume v = m.openLocked(r);
                    if (!r.mountIds().isEmpty()) {
                        m.mountLocked(v);
                    }
                } catch (IOException | InvalidOptionException | RuntimeException e) {
                    LOG.log(Level.SEVERE, "volume " + r.name() + " could not be opened at start: " + e.getMessage(), e);
                }
            }
        } finally {
            m.lock.unlock();
        }
        return m;
    }

    private OpenVolume openLocked(VolumeRecord r) throws IOException, InvalidOptionException {
        VolumeOptions options = VolumeOptions.parse(r.name(), r.options(), defaultBucket);
        ObjectStore store = stores.open(options.bucket());
        OpenVolume v;
        try {
            v = OpenVolume.open(r.name(), options, volumeDir(r.name()), store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        open.put(r.name(), v);
        return v;
    }

    private Path volumeDir(String name) {
        return stateDir.resolve("volumes").resolve(name);
    }

    private Path mountpoint(String name) {
        return mountRoot.resolve(name);
    }

    @Override
    public void create(String name, Map<String, String> rawOptions) throws Exception {
        validateName(name);
        VolumeOptions options;
        try {
            options = VolumeOptions.parse(name, rawOptions, defaultBucket);
        } catch (InvalidOptionException e) {
            throw new IllegalArgumentException("volume '" + name + "': " + e.getMessage());
        }
        lock.lock();
        try {
            VolumeRecord existing = registry.get(name);
            if (existing != null) {
                if (sameOptions(existing.options(), options.toMap())) {
                    return;
                }
                throw new IllegalStateException("volume '" + name + "' already exists with other options "
                        + existing.options() + "; remove it first or choose another name");
            }
        } finally {
            lock.unlock();
        }
        checkBucket(name, options);
        lock.lock();
        try {
            if (registry.get(name) != null) {
                return; // a concurrent create of the same volume won
            }
            // Whatever the prefix already holds is listed from the bucket when first looked at (lazy listing).
            VolumeCache.markRootUnlisted(OpenVolume.dataDir(volumeDir(name)));
            VolumeRecord record = new VolumeRecord(name, options.toMap(), Instant.now().toString(), Set.of());
            registry.put(record);
            try {
                openLocked(record);
            } catch (IOException | RuntimeException e) {
                registry.remove(name);
                throw e;
            }
            LOG.info(() -> "created volume " + name + " on bucket " + options.bucket() + " prefix '" + options.prefix() + "'");
        } finally {
            lock.unlock();
        }
    }

    private static boolean sameOptions(Map<String, String> a, Map<String, String> b) {
        Map<String, String> x = new HashMap<>(a);
        Map<String, String> y = new HashMap<>(b);
        // Asking again to create a bucket that now exists changes nothing.
        x.remove(VolumeOptions.CREATE_BUCKET);
        y.remove(VolumeOptions.CREATE_BUCKET);
        return x.equals(y);
    }

    private static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a volume name is required");
        }
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*") || name.length() > 255) {
            throw new IllegalArgumentException("invalid volume name '" + name
                    + "': use letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
    }

    /** Makes sure the bucket is reachable (creating it when asked); the message names the endpoint and cause. */
    private void checkBucket(String name, VolumeOptions options) throws IOException {
        try (ObjectStore store = stores.open(options.bucket())) {
            try {
                if (store.bucketExists()) {
                    return;
                }
                if (!options.createBucket()) {
                    throw new IllegalStateException("cannot create volume '" + name + "': " + store.describe()
                            + " does not exist; create the bucket or add -o create-bucket=true");
                }
                store.createBucket();
            } catch (StoreException e) {
                throw new IllegalStateException("cannot create volume '" + name + "': " + store.describe() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void remove(String name) throws Exception {
        OpenVolume v;
        lock.lock();
        try {
            VolumeRecord r = requireLocked(name);
            refuseIfMountedLocked(r);
            v = open.get(name);
        } finally {
            lock.unlock();
        }
        if (v != null && !v.uploader().flush(REMOVE_FLUSH_TIMEOUT)) {
            UploadStatus s = v.uploader().status();
            throw new IllegalStateException("volume '" + name + "' still has " + s.pendingFiles()
                    + " change(s) not uploaded to " + v.store().describe()
                    + (s.lastError() == null ? "" : " (last error: " + s.lastError() + ")")
                    + "; removing it now would lose them. Try again when the object store is reachable");
        }
        lock.lock();
        try {
            VolumeRecord r = requireLocked(name);
            refuseIfMountedLocked(r);
            if (!r.mountIds().isEmpty()) {
                LOG.warning(() -> "volume " + name + ": forgetting " + r.mountIds().size()
                        + " mount(s) left from before the plugin restarted; Docker no longer uses them");
                unmountLocked(name);
            }
            OpenVolume closing = open.remove(name);
            registry.remove(name);
            if (closing != null) {
                closing.close();
            }
            deleteRecursively(volumeDir(name));
            Files.deleteIfExists(mountpoint(name));
            LOG.info(() -> "removed volume " + name + " (its objects stay in the bucket)");
        } finally {
            lock.unlock();
        }
    }

    private void refuseIfMountedLocked(VolumeRecord r) {
        long live = r.mountIds().stream().filter(mountIdsSinceStart::contains).count();
        if (live > 0) {
            throw new IllegalStateException("volume '" + r.name() + "' is in use by " + live
                    + " container mount(s); stop and remove those containers first");
        }
    }

    @Override
    public String mount(String name, String mountId) throws Exception {
        requireMountId(mountId);
        lock.lock();
        try {
            VolumeRecord r = requireLocked(name);
            OpenVolume v = requireOpenLocked(name);
            if (!mounts.containsKey(name)) {
                mountLocked(v);
            }
            mountIdsSinceStart.add(mountId);
            Set<String> ids = new HashSet<>(r.mountIds());
            if (ids.add(mountId)) {
                try {
                    registry.put(r.withMountIds(ids));
                } catch (IOException e) {
                    if (r.mountIds().isEmpty()) {
                        unmountLocked(name);
                    }
                    throw e;
                }
            }
            return mountpoint(name).toString();
        } finally {
            lock.unlock();
        }
    }

    private void mountLocked(OpenVolume v) throws IOException {
        Path mp = mountpoint(v.name());
        mounter.cleanStale(mp);
        Files.createDirectories(mp);
        mounts.put(v.name(), mounter.mount(v, mp));
        LOG.info(() -> "mounted volume " + v.name() + " at " + mp);
    }

    @Override
    public void unmount(String name, String mountId) throws Exception {
        requireMountId(mountId);
        lock.lock();
        try {
            VolumeRecord r = requireLocked(name);
            mountIdsSinceStart.remove(mountId);
            Set<String> ids = new HashSet<>(r.mountIds());
            if (!ids.remove(mountId)) {
                LOG.warning(() -> "unmount of volume " + name + " for unknown mount ID " + mountId + "; nothing to do");
                return;
            }
            registry.put(r.withMountIds(ids));
            if (ids.isEmpty()) {
                unmountLocked(name);
            }
        } finally {
            lock.unlock();
        }
    }

    private void unmountLocked(String name) throws IOException {
        Mounter.Mount m = mounts.remove(name);
        if (m != null) {
            m.close();
            LOG.info(() -> "unmounted volume " + name + "; uploads continue in the background");
        }
    }

    private static void requireMountId(String mountId) {
        if (mountId == null || mountId.isEmpty()) {
            throw new IllegalArgumentException("a mount ID is required");
        }
    }

    @Override
    public String path(String name) throws Exception {
        lock.lock();
        try {
            requireLocked(name);
            return mounts.containsKey(name) ? mountpoint(name).toString() : "";
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VolumeInfo get(String name) throws Exception {
        lock.lock();
        try {
            return infoLocked(requireLocked(name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<VolumeInfo> list() {
        lock.lock();
        try {
            List<VolumeInfo> out = new ArrayList<>();
            for (VolumeRecord r : registry.all()) {
                out.add(infoLocked(r));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private VolumeInfo infoLocked(VolumeRecord r) {
        String mp = mounts.containsKey(r.name()) ? mountpoint(r.name()).toString() : "";
        return new VolumeInfo(r.name(), mp, r.createdAt(), VolumeStatus.of(r, open.get(r.name())));
    }

    @Override
    public FlushResult flush(String name, long timeoutMillis) throws Exception {
        OpenVolume v;
        lock.lock();
        try {
            requireLocked(name);
            v = requireOpenLocked(name);
        } finally {
            lock.unlock();
        }
        boolean durable = v.uploader().flush(Duration.ofMillis(Math.max(0, timeoutMillis)));
        UploadStatus s = v.uploader().status();
        return new FlushResult(durable, s.pendingFiles(), s.pendingBytes());
    }

    /** The open volume, for tests in this package. */
    OpenVolume openVolume(String name) {
        lock.lock();
        try {
            return requireOpenLocked(name);
        } finally {
            lock.unlock();
        }
    }

    private VolumeRecord requireLocked(String name) {
        VolumeRecord r = registry.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no such volume: '" + name + "'");
        }
        return r;
    }

    private OpenVolume requireOpenLocked(String name) {
        OpenVolume v = open.get(name);
        if (v == null) {
            throw new IllegalStateException("volume '" + name + "' could not be opened at plugin start; see the plugin log");
        }
        return v;
    }

    /**
     * Shutdown: unmounts (containers lose the volume; the mount IDs stay, so the next start mounts again), uploads
     * what fits in {@code grace}, makes the journals durable and closes everything.
     */
    public void shutdown(Duration grace) {
        lock.lock();
        try {
            for (String name : List.copyOf(mounts.keySet())) {
                try {
                    unmountLocked(name);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "unmounting volume " + name + " at shutdown failed", e);
                }
            }
            // Every volume uploads at the same time, so one slow volume does not use up the others' grace.
            List<Thread> closing = new ArrayList<>();
            for (OpenVolume v : open.values()) {
                closing.add(Thread.ofVirtual().name("close-" + v.name()).start(() -> v.close(grace)));
            }
            for (Thread t : closing) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            open.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
