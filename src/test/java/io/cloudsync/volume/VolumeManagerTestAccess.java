package io.cloudsync.volume;

import io.cloudsync.journal.Journal;

/** Reaches into a manager's open volumes for tests that play the FUSE layer's part. */
final class VolumeManagerTestAccess {

    private VolumeManagerTestAccess() {
    }

    static Journal journalOf(VolumeManager manager, String volume) {
        return manager.openVolume(volume).journal();
    }
}
