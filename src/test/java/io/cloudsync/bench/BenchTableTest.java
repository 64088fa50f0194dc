package io.cloudsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark table says what a reader needs: medians, ranges, ratios, verdicts and why figures are missing. */
class BenchTableTest {

    private static final List<BenchMetrics.Metric> METRICS = BenchMetrics.all(new ObjectMapper().createObjectNode()
            .put("size_mb", 1024).put("sqlite_tx", 2000).put("writeback_delay", "1s"));

    private static String row(String table, String labelStart) {
        return table.lines().filter(l -> l.startsWith("| " + labelStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + labelStart + "' in\n" + table));
    }

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(2.0, BenchStats.of(List.of(3.0, 1.0, 2.0), List.of()).median());
        assertEquals(1.5, BenchStats.of(List.of(2.0, 1.0), List.of()).median());
    }

    @Test
    void rowShowsMedianRangeRatioAndVerdict() {
        var stats = Map.of("w1_write", Map.of(
                "local", BenchStats.of(List.of(1.0, 1.1, 0.9), List.of()),
                "cloudsync", BenchStats.of(List.of(1.5, 1.4, 1.6), List.of()),
                "rclone", BenchStats.of(List.of(1.1), List.of())));
        String table = new BenchTable(METRICS, stats, Map.of()).render();

        String w1 = row(table, "W1 write 1024 MiB");
        assertTrue(w1.contains("| 1.00 s (0.90–1.10) | 1.50 s (1.40–1.60) | 1.10 s |"), w1);
        assertTrue(w1.contains("| 1.50x | 1.10x | ≤ 1.2x local | **no** |"), w1);
    }

    @Test
    void durabilityIsComparedWithTheBareUploadAndTimeoutsSayWhy() {
        var stats = Map.of(
                "w1_durable", Map.of("cloudsync", BenchStats.of(List.of(12.0), List.of()),
                        "rclone", BenchStats.of(List.of(), List.of("not in the bucket within 300 s"))),
                BenchTable.BARE_UPLOAD, Map.of(BenchMetrics.BARE, BenchStats.of(List.of(10.0), List.of())));
        String durable = row(new BenchTable(METRICS, stats, Map.of()).render(), "W1 durable");

        assertTrue(durable.contains("bare upload: 10.0 s | 12.0 s | — (not in the bucket within 300 s) | 1.20x | — |"),
                durable);
        assertTrue(durable.endsWith("| yes |"), durable);
    }

    @Test
    void countsAreWholeAndADriverThatCouldNotRunIsNamed() {
        var stats = Map.of("w8_rows", Map.of("local", BenchStats.of(List.of(2000.0, 2000.0), List.of()),
                "cloudsync", BenchStats.of(List.of(1999.0, 2000.0), List.of())));
        String table = new BenchTable(METRICS, stats, Map.of("rclone", "rclone is not installed")).render();

        String rows = row(table, "W8 rows");
        assertTrue(rows.contains("| 2000 | 2000 (1999–2000) | not run |"), rows);
        assertTrue(rows.endsWith("| **no** |"), "a lost row misses the target: " + rows);
        assertTrue(table.contains("- rclone was not run: rclone is not installed"), table);
    }

    @Test
    void bigWorkloadsHaveRowsOnlyWhenRunAndTimesWithoutTargetShowTheirRatio() {
        var none = BenchMetrics.all(new ObjectMapper().createObjectNode().put("bigdir_files", 0).put("huge_objects", 0));
        assertTrue(none.stream().noneMatch(m -> m.id().startsWith("w9") || m.id().startsWith("w10")), none.toString());

        var metrics = BenchMetrics.all(new ObjectMapper().createObjectNode().put("bigdir_files", 100000)
                .put("huge_objects", 20000).put("huge_dirs", 20).put("huge_per_dir", 1000).put("huge_root_files", 100));
        var stats = Map.of(
                "w9_create", Map.of("local", BenchStats.of(List.of(2.0), List.of()),
                        "cloudsync", BenchStats.of(List.of(8.0), List.of())),
                "w10_mount_ls", Map.of("local", BenchStats.of(List.of(0.5), List.of()),
                        "cloudsync", BenchStats.of(List.of(1.5), List.of())));
        String table = new BenchTable(metrics, stats, Map.of()).render();

        String create = row(table, "W9 create 100000 empty files");
        assertTrue(create.contains("| 2.00 s | 8.00 s | — | 4.00x | — | — |  |"), create);
        String mount = row(table, "W10 bucket of 20100 objects (20 dirs of 1000, 100 at the root)");
        assertTrue(mount.contains("| 0.50 s | 1.50 s | — | — | — | ≤ 2 s | yes |"), mount);
    }
}
