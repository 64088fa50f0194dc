package io.cloudsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmark measures, in the order of the table, each with the target of issue 5 for cloudsync.
 * Labels carry the sizes of the run (from the raw file's config record), so a table says what it measured.
 */
final class BenchMetrics {

    /** How a figure is judged. */
    enum Kind {
        /** time, compared with the same figure of Docker's local driver in the same run */
        RATIO_TO_LOCAL,
        /** time, compared with a bare MinIO-client upload of the same file in the same run */
        RATIO_TO_BARE,
        /** a value that must stay at or under the target */
        AT_MOST,
        /** a value that must be exactly the target, in every repetition */
        EXACTLY,
        /** shown, no target */
        INFO
    }

    /** One row of the table. {@code unit} is "s", "MiB" or "" (a count). */
    record Metric(String id, String label, String unit, Kind kind, double target, String targetText,
                  boolean localHasIt) {
    }

    static final String LOCAL = "local";
    static final String CLOUDSYNC = "cloudsync";
    static final String RCLONE = "rclone";
    static final String BARE = "minio-client";
    static final List<String> DRIVERS = List.of(LOCAL, CLOUDSYNC, RCLONE);

    private BenchMetrics() {
    }

    static List<Metric> all(JsonNode config) {
        long size = config.path("size_mb").asLong(1024);
        long files = config.path("files").asLong(5000);
        long dirs = config.path("dirs").asLong(50);
        long renamed = config.path("rename_files").asLong(1000);
        long exitFiles = config.path("exit_files").asLong(100);
        long tx = config.path("sqlite_tx").asLong(2000);
        double delay = seconds(config.path("writeback_delay").asText("1s"));
        var metrics = new ArrayList<>(List.of(
                timeVsLocal("w1_write", "W1 write " + size + " MiB + fsync", 1.2),
                new Metric("w1_durable", "W1 durable: fsync returned → object in bucket", "s", Kind.RATIO_TO_BARE,
                        1.5, "≤ 1.5x bare MinIO-client upload", false),
                timeVsLocal("w2_warm", "W2 sequential read, warm", 2),
                timeVsLocal("w2_cold", "W2 sequential read, cold (restart, empty cache, page cache dropped)", 2),
                timeVsLocal("w3_create", "W3 create " + files + " files of 4 KiB in " + dirs + " dirs", 5),
                info("w3_durable", "W3 created → all in bucket", "s"),
                timeVsLocal("w4_find_warm", "W4 `find \\| wc -l`, warm", 3),
                timeVsLocal("w4_ls_warm", "W4 `ls -lR`, warm", 5),
                timeVsLocal("w4_find_cold", "W4 `find \\| wc -l`, cold", 10),
                timeVsLocal("w4_ls_cold", "W4 `ls -lR`, cold", 10),
                timeVsLocal("w5_rename", "W5 rename a dir of " + renamed + " uploaded files", 10),
                new Metric("w5_durable", "W5 renamed → bucket shows it", "s", Kind.AT_MOST, 5, "≤ 5 s", false),
                timeVsLocal("w6_delete", "W6 delete everything", 2),
                info("w6_durable", "W6 deleted → bucket empty", "s"),
                new Metric("w7_durable", "W7 " + exitFiles + " files of 16 KiB, last container exits → all in bucket",
                        "s", Kind.AT_MOST, delay + 2, "≤ writeback-delay + 2 s = " + fmt(delay + 2) + " s", false),
                timeVsLocal("w8_sqlite", "W8 SQLite: " + tx + " transactions, synchronous=FULL", 1.5),
                new Metric("w8_rows", "W8 rows found by a new process", "", Kind.EXACTLY, tx,
                        "= " + tx + " (no committed row lost)", true),
                new Metric("w8_integrity", "W8 `PRAGMA integrity_check` ok (1 = ok)", "", Kind.EXACTLY, 1, "= 1", true),
                new Metric("peak_rss_mib", "plugin peak RSS (VmHWM)", "MiB", Kind.AT_MOST, 300, "≤ 300 MiB", false),
                info("start_to_socket", "plugin start → socket answers Capabilities", "s"),
                new Metric("start_to_ready", "plugin start (`docker plugin enable`) → serving (List answers)", "s",
                        Kind.AT_MOST, 2, "≤ 2 s", false)));
        metrics.addAll(big(config));
        return metrics;
    }

    /** W9 and W10, when the run measured them (a size of 0 skips them). */
    private static List<Metric> big(JsonNode config) {
        var metrics = new ArrayList<Metric>();
        long bigdir = config.path("bigdir_files").asLong(0);
        if (bigdir > 0) {
            metrics.add(infoVsLocal("w9_create", "W9 create " + bigdir + " empty files in one dir"));
            metrics.add(info("w9_durable", "W9 created → all in bucket", "s"));
            metrics.add(timeVsLocal("w9_ls_warm", "W9 `ls -l` of " + bigdir + " files in one dir, warm", 5));
            metrics.add(timeVsLocal("w9_ls_cold", "W9 `ls -l` of " + bigdir + " files in one dir, cold", 5));
        }
        long huge = config.path("huge_objects").asLong(0);
        if (huge > 0) {
            long dirs = config.path("huge_dirs").asLong(huge / 1000);
            long perDir = config.path("huge_per_dir").asLong(1000);
            long rootFiles = config.path("huge_root_files").asLong(0);
            String bucket = "W10 bucket of " + (dirs * perDir + rootFiles) + " objects (" + dirs + " dirs of " + perDir
                    + ", " + rootFiles + " at the root)";
            metrics.add(new Metric("w10_mount_ls", bucket + ": `docker volume create` + new container's `ls -l` of the"
                    + " root (local: a bind mount of the same root shape)", "s", Kind.AT_MOST, 2, "≤ 2 s", true));
            metrics.add(infoVsLocal("w10_subdir_ls", "W10 first `ls -l` of one dir of " + perDir + " objects"));
        }
        return metrics;
    }

    private static Metric timeVsLocal(String id, String label, double ratio) {
        return new Metric(id, label, "s", Kind.RATIO_TO_LOCAL, ratio, "≤ " + fmt(ratio) + "x local", true);
    }

    /** A time with no target, shown beside local's and as a ratio to it. */
    private static Metric infoVsLocal(String id, String label) {
        return new Metric(id, label, "s", Kind.INFO, Double.NaN, "", true);
    }

    private static Metric info(String id, String label, String unit) {
        return new Metric(id, label, unit, Kind.INFO, Double.NaN, "", false);
    }

    /** "1s", "500ms", "2m" or a bare number of seconds. */
    static double seconds(String duration) {
        String d = duration.strip();
        try {
            if (d.endsWith("ms")) {
                return Double.parseDouble(d.substring(0, d.length() - 2)) / 1000;
            }
            if (d.endsWith("s")) {
                return Double.parseDouble(d.substring(0, d.length() - 1));
            }
            if (d.endsWith("m")) {
                return Double.parseDouble(d.substring(0, d.length() - 1)) * 60;
            }
            return Double.parseDouble(d);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read the duration '" + duration + "' of the run's config", e);
        }
    }

    static String fmt(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }
}
