package io.cloudsync.volume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake {@link Mounter} for unit tests: mounts nothing, counts what it was asked to do. */
final class FakeMounter implements Mounter {

    final AtomicInteger live = new AtomicInteger();
    final List<Path> mounted = new ArrayList<>();
    final List<Path> cleaned = new ArrayList<>();

    @Override
    public synchronized Mount mount(OpenVolume volume, Path mountpoint) {
        mounted.add(mountpoint);
        live.incrementAndGet();
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                live.decrementAndGet();
            }
        };
    }

    @Override
    public synchronized void cleanStale(Path mountpoint) {
        cleaned.add(mountpoint);
    }
}
