package io.cloudsync.writeback;

/**
 * The local file or directory an upload was for is not there (or is of another type). A record that says why (a
 * removal or a rename) is normally appended right after the local change; the job waits for it instead of deciding.
 */
final class LocalNodeMissing extends Exception {
    LocalNodeMissing(String path) {
        super("'" + path + "' is not in the cache directory as expected", null, false, false);
    }
}
