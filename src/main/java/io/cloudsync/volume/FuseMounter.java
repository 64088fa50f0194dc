package io.cloudsync.volume;

import io.cloudsync.fuse.FuseMountOptions;
import io.cloudsync.fuse.FuseVolumeMount;

import java.io.IOException;
import java.nio.file.Path;

/** Mounts volumes with FUSE: the production {@link Mounter}. */
public final class FuseMounter implements Mounter {

    @Override
    public Mount mount(OpenVolume volume, Path mountpoint) throws IOException {
        FuseVolumeMount mount = FuseVolumeMount.mount(volume.cache(), mountpoint,
                FuseMountOptions.defaults("cloudsync:" + volume.name()));
        return mount::close;
    }

    @Override
    public void cleanStale(Path mountpoint) throws IOException {
        FuseVolumeMount.cleanStaleMount(mountpoint);
    }
}
