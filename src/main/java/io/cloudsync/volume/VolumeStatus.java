package io.cloudsync.volume;

import io.cloudsync.writeback.UploadStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code Status} map that "docker volume inspect" shows: where the data goes and what is still pending. No secrets. */
final class VolumeStatus {

    private VolumeStatus() {
    }

    static Map<String, Object> of(VolumeRecord r, OpenVolume v) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bucket", r.options().getOrDefault("bucket", ""));
        s.put("prefix", r.options().getOrDefault("prefix", ""));
        s.put("writeback-delay", r.options().getOrDefault("writeback-delay", ""));
        s.put("cache-max-size", r.options().getOrDefault("cache-max-size", ""));
        s.put("read-only", r.options().getOrDefault("read-only", "false"));
        s.put("mounts", r.mountIds().size());
        if (v == null) {
            s.put("state", "not open: see the plugin log");
            return s;
        }
        s.put("endpoint", v.store().describe());
        UploadStatus u = v.uploader().status();
        s.put("pending-files", u.pendingFiles());
        s.put("pending-bytes", u.pendingBytes());
        s.put("oldest-pending-age", humanDuration(u.oldestPendingAge()));
        s.put("last-error", u.lastError() == null ? "" : u.lastError());
        s.put("last-upload", u.lastUpload() == null ? "" : u.lastUpload().toString());
        s.put("uploads-completed", u.completed());
        if (u.conflicts() > 0) {
            s.put("conflicts", u.conflicts());
            s.put("last-conflict", u.lastConflict());
        }
        List<String> problems = v.journal().problems();
        if (!problems.isEmpty()) {
            s.put("journal-problems", String.join("; ", problems));
        }
        return s;
    }

    private static String humanDuration(long millis) {
        if (millis <= 0) {
            return "0s";
        }
        Duration d = Duration.ofMillis(millis);
        return d.toSeconds() < 60 ? String.format("%.1fs", millis / 1000.0) : d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
}
