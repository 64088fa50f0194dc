package io.cloudsync.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-memory {@link VolumeDriver} for protocol tests: volumes with options, mounts counted by mount ID, errors
 * worded like the real driver's. A test can make the next call fail with any exception, and can hold flushes
 * at a gate to show that a long call does not block other requests.
 */
final class FakeVolumeDriver implements VolumeDriver {

    static final String CREATED_AT = "2024-05-06T07:08:09Z";
    static final String MOUNT_ROOT = "/mnt/cloudsync/";

    private record FakeVolume(Map<String, String> options, Set<String> mountIds) {
    }

    private final Map<String, FakeVolume> volumes = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> nextFailure = new AtomicReference<>();
    private volatile CountDownLatch flushGate;
    private final CountDownLatch flushEntered = new CountDownLatch(1);
    private volatile long lastFlushTimeoutMillis = -1;

    /** The next driver call throws {@code failure} instead of doing its work. */
    void failNextCallWith(Exception failure) {
        nextFailure.set(failure);
    }

    /** Flushes wait (up to their timeout) until {@link #openFlushGate()}; they report not durable if it stays shut. */
    void closeFlushGate() {
        flushGate = new CountDownLatch(1);
    }

    void openFlushGate() {
        flushGate.countDown();
    }

    /** Waits until a flush is inside the driver. */
    boolean awaitFlushEntered(long seconds) throws InterruptedException {
        return flushEntered.await(seconds, TimeUnit.SECONDS);
    }

    long lastFlushTimeoutMillis() {
        return lastFlushTimeoutMillis;
    }

    /** The options a volume was created with, as the driver received them. */
    Map<String, String> optionsOf(String name) {
        return volumes.get(name).options();
    }

    @Override
    public void create(String name, Map<String, String> options) throws Exception {
        failIfAsked();
        if (options.containsKey("bad")) {
            throw new IllegalArgumentException("unknown option 'bad'; valid options are: bucket, prefix");
        }
        FakeVolume existing = volumes.putIfAbsent(name, new FakeVolume(Map.copyOf(options), ConcurrentHashMap.newKeySet()));
        if (existing != null && !existing.options().equals(options)) {
            throw new IllegalStateException("volume '" + name + "' already exists with other options");
        }
    }

    @Override
    public void remove(String name) throws Exception {
        FakeVolume volume = existing(name);
        if (!volume.mountIds().isEmpty()) {
            throw new IllegalStateException("volume '" + name + "' is in use by " + volume.mountIds().size()
                    + " container(s); stop them first");
        }
        volumes.remove(name);
    }

    @Override
    public String mount(String name, String mountId) throws Exception {
        existing(name).mountIds().add(mountId);
        return MOUNT_ROOT + name;
    }

    @Override
    public void unmount(String name, String mountId) throws Exception {
        if (!existing(name).mountIds().remove(mountId)) {
            throw new IllegalStateException("volume '" + name + "' has no mount with ID " + mountId);
        }
    }

    @Override
    public String path(String name) throws Exception {
        return existing(name).mountIds().isEmpty() ? "" : MOUNT_ROOT + name;
    }

    @Override
    public VolumeInfo get(String name) throws Exception {
        return infoOf(name, existing(name));
    }

    @Override
    public List<VolumeInfo> list() throws Exception {
        failIfAsked();
        List<VolumeInfo> all = new ArrayList<>();
        for (String name : new HashSet<>(volumes.keySet())) {
            all.add(infoOf(name, volumes.get(name)));
        }
        return all;
    }

    @Override
    public FlushResult flush(String name, long timeoutMillis) throws Exception {
        existing(name);
        lastFlushTimeoutMillis = timeoutMillis;
        flushEntered.countDown();
        CountDownLatch gate = flushGate;
        if (gate != null && !gate.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return new FlushResult(false, 1, 4096);
        }
        return new FlushResult(true, 0, 0);
    }

    private FakeVolume existing(String name) throws Exception {
        failIfAsked();
        FakeVolume volume = volumes.get(name);
        if (volume == null) {
            throw new IllegalArgumentException("volume '" + name + "' does not exist");
        }
        return volume;
    }

    private void failIfAsked() throws Exception {
        Exception failure = nextFailure.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
    }

    private static VolumeInfo infoOf(String name, FakeVolume volume) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("bucket", volume.options().getOrDefault("bucket", ""));
        status.put("pendingUploads", 0);
        // Option "fake-created-at" stands for a volume whose creation time the driver does not know.
        String createdAt = volume.options().getOrDefault("fake-created-at", CREATED_AT);
        return new VolumeInfo(name, volume.mountIds().isEmpty() ? "" : MOUNT_ROOT + name, createdAt, status);
    }
}
