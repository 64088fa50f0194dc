package io.cloudsync.writeback;

import java.time.Instant;

/**
 * A snapshot of a volume's write-back state, for "docker volume inspect".
 *
 * @param pendingFiles     object keys with a change not yet in the store
 * @param pendingBytes     bytes of local files waiting for upload
 * @param oldestPendingAge milliseconds since the oldest pending change, 0 if none
 * @param lastError        the last upload failure, or null
 * @param lastUpload       when the last upload completed, or null
 * @param completed        uploads and deletes completed since the plugin started
 * @param conflicts        files changed both here and by another tool since the plugin started (each kept twice)
 * @param lastConflict     what the last conflict was and where the local version went, or null
 */
public record UploadStatus(long pendingFiles, long pendingBytes, long oldestPendingAge, String lastError,
                           Instant lastUpload, long completed, long conflicts, String lastConflict) {
}
