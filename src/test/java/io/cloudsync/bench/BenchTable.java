package io.cloudsync.bench;

import io.cloudsync.bench.BenchMetrics.Kind;
import io.cloudsync.bench.BenchMetrics.Metric;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

import static io.cloudsync.bench.BenchMetrics.BARE;
import static io.cloudsync.bench.BenchMetrics.CLOUDSYNC;
import static io.cloudsync.bench.BenchMetrics.DRIVERS;
import static io.cloudsync.bench.BenchMetrics.LOCAL;
import static io.cloudsync.bench.BenchMetrics.RCLONE;

/**
 * Renders the benchmark's markdown table: one row per metric, medians with (min–max) per driver, each plugin's
 * ratio to its baseline (local, or the bare upload for W1's durability), the target and whether cloudsync
 * meets it. Figures that could not be taken show why; the reasons are listed under the table in full.
 */
final class BenchTable {

    static final String BARE_UPLOAD = "bare_upload";

    private final List<Metric> metrics;
    private final Map<String, Map<String, BenchStats>> stats;
    private final Map<String, String> unavailable;

    BenchTable(List<Metric> metrics, Map<String, Map<String, BenchStats>> stats, Map<String, String> unavailable) {
        this.metrics = metrics;
        this.stats = stats;
        this.unavailable = unavailable;
    }

    String render() {
        var out = new StringBuilder();
        out.append("| workload | local | cloudsync | rclone | cloudsync / local | rclone / local | target"
                + " | cloudsync meets it |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Metric m : metrics) {
            out.append("| ").append(m.label());
            for (String driver : DRIVERS) {
                out.append(" | ").append(cell(m, driver));
            }
            out.append(" | ").append(ratioText(m, CLOUDSYNC)).append(" | ").append(ratioText(m, RCLONE));
            out.append(" | ").append(m.targetText().isEmpty() ? "—" : m.targetText());
            out.append(" | ").append(verdict(m)).append(" |\n");
        }
        out.append("\nRatios are of medians; in the W1-durable row they are to the bare MinIO-client upload shown in"
                + " the local column. n/a: the local driver has no bucket and no plugin process.\n");
        appendNotes(out);
        return out.toString();
    }

    private void appendNotes(StringBuilder out) {
        var notes = new StringBuilder();
        unavailable.forEach((driver, why) -> notes.append("- ").append(driver).append(" was not run: ")
                .append(why).append('\n'));
        for (Metric m : metrics) {
            for (String driver : List.of(LOCAL, CLOUDSYNC, RCLONE, BARE)) {
                BenchStats s = get(m.id(), driver);
                if (s != null && !s.failures().isEmpty()) {
                    notes.append("- ").append(m.id()).append(", ").append(driver).append(": ")
                            .append(s.failures().size()).append(" of ").append(s.failures().size() + s.values().size())
                            .append(" not taken: ").append(String.join("; ", s.distinctFailures())).append('\n');
                }
            }
        }
        BenchStats bare = get(BARE_UPLOAD, BARE);
        if (bare != null && !bare.failures().isEmpty()) {
            notes.append("- bare upload: ").append(String.join("; ", bare.distinctFailures())).append('\n');
        }
        if (!notes.isEmpty()) {
            out.append("\nFigures not taken:\n\n").append(notes);
        }
    }

    private BenchStats get(String metric, String driver) {
        return stats.getOrDefault(metric, Map.of()).get(driver);
    }

    private String cell(Metric m, String driver) {
        if (unavailable.containsKey(driver)) {
            return "not run";
        }
        if (driver.equals(LOCAL) && !m.localHasIt()) {
            if (m.kind() == Kind.RATIO_TO_BARE) {
                BenchStats bare = get(BARE_UPLOAD, BARE);
                return bare == null ? "bare upload: —" : "bare upload: " + figures(bare, m.unit());
            }
            return "n/a";
        }
        BenchStats s = get(m.id(), driver);
        return s == null ? "—" : figures(s, m.unit());
    }

    static String figures(BenchStats s, String unit) {
        if (!s.hasValues()) {
            return "— (" + s.distinctFailures().getFirst() + ")";
        }
        String u = unit.isEmpty() ? "" : " " + unit;
        // Counts (no unit) are whole numbers, shown as such.
        DoubleFunction<String> num = v -> unit.isEmpty() && v == Math.rint(v) ? String.valueOf((long) v) : number(v);
        String text = num.apply(s.median()) + u;
        if (s.values().size() > 1 && s.min() < s.max()) {
            text += " (" + num.apply(s.min()) + "–" + num.apply(s.max()) + ")";
        }
        if (!s.failures().isEmpty()) {
            text += "; " + s.failures().size() + " not taken";
        }
        return text;
    }

    static String number(double x) {
        double a = Math.abs(x);
        String pattern = a < 0.1 ? "%.3f" : a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, x);
    }

    /** The driver's median over its baseline's, or NaN when either is missing or the metric has none. */
    double ratio(Metric m, String driver) {
        BenchStats base = switch (m.kind()) {
            case RATIO_TO_LOCAL -> get(m.id(), LOCAL);
            case INFO -> m.localHasIt() ? get(m.id(), LOCAL) : null;
            case RATIO_TO_BARE -> get(BARE_UPLOAD, BARE);
            default -> null;
        };
        BenchStats s = get(m.id(), driver);
        if (base == null || s == null || !base.hasValues() || !s.hasValues() || base.median() <= 0) {
            return Double.NaN;
        }
        return s.median() / base.median();
    }

    private String ratioText(Metric m, String driver) {
        boolean infoBesideLocal = m.kind() == Kind.INFO && m.localHasIt();
        if (m.kind() != Kind.RATIO_TO_LOCAL && m.kind() != Kind.RATIO_TO_BARE && !infoBesideLocal) {
            return "—";
        }
        double r = ratio(m, driver);
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /** Whether cloudsync meets the metric's target in this run: "yes", "**no**", "?" (not measured) or "". */
    String verdict(Metric m) {
        if (m.kind() == Kind.INFO) {
            return "";
        }
        BenchStats s = get(m.id(), CLOUDSYNC);
        if (unavailable.containsKey(CLOUDSYNC) || s == null) {
            return "?";
        }
        boolean met = switch (m.kind()) {
            case RATIO_TO_LOCAL, RATIO_TO_BARE -> {
                double r = ratio(m, CLOUDSYNC);
                if (Double.isNaN(r) && s.hasValues()) {
                    yield true; // no baseline to compare with: answered "?" below
                }
                yield !Double.isNaN(r) && r <= m.target();
            }
            case AT_MOST -> s.hasValues() && s.failures().isEmpty() && s.median() <= m.target();
            case EXACTLY -> s.hasValues() && s.failures().isEmpty() && s.min() == m.target() && s.max() == m.target();
            case INFO -> true;
        };
        if (met && (m.kind() == Kind.RATIO_TO_LOCAL || m.kind() == Kind.RATIO_TO_BARE)
                && Double.isNaN(ratio(m, CLOUDSYNC))) {
            return "?";
        }
        return met ? "yes" : "**no**";
    }
}
