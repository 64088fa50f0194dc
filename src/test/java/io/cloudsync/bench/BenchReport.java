package io.cloudsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.bench.BenchMetrics.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the raw records of a benchmark run (bench/run.sh writes them, one JSON object a line) into
 * results.json (raw samples and per-metric summaries), table.md, the table on stdout, and the section of
 * docs/PERFORMANCE.md between the markers below (the text around them is kept as it is).
 *
 * <p>Usage: {@code BenchReport RAW_JSONL OUT_DIR DOC|none}
 */
public final class BenchReport {

    static final String BEGIN = "<!-- bench:begin (written by make bench; edit outside these markers) -->";
    static final String END = "<!-- bench:end -->";

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private JsonNode machine = json.createObjectNode();
    private JsonNode config = json.createObjectNode();
    private final Map<String, String> unavailable = new TreeMap<>();
    private final List<JsonNode> samples = new ArrayList<>();

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: BenchReport RAW_JSONL OUT_DIR DOC|none");
            System.exit(2);
        }
        var report = new BenchReport();
        report.read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        String table = report.write(out);
        System.out.println(table);
        if (!args[2].equals("none") && !args[2].isEmpty()) {
            report.updateDoc(Path.of(args[2]), table);
            System.out.println("(table written to " + args[2] + ")");
        }
        System.out.println("raw figures: " + out.resolve("results.json"));
    }

    private void read(Path raw) throws IOException {
        int lineNo = 0;
        for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                throw new IOException(raw + " line " + lineNo + " is not JSON: " + e.getMessage(), e);
            }
            if (node.has("machine")) {
                machine = node.get("machine");
            } else if (node.has("config")) {
                config = node.get("config");
            } else if (node.has("unavailable")) {
                unavailable.put(node.path("driver").asText(), node.get("unavailable").asText());
            } else {
                samples.add(node);
            }
        }
    }

    /** metric -> driver -> figures over the repetitions */
    private Map<String, Map<String, BenchStats>> summarise() {
        var values = new LinkedHashMap<String, Map<String, List<Double>>>();
        var failures = new LinkedHashMap<String, Map<String, List<String>>>();
        for (JsonNode s : samples) {
            String metric = s.path("metric").asText();
            String driver = s.path("driver").asText();
            values.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(driver, k -> new ArrayList<>());
            failures.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(driver, k -> new ArrayList<>());
            JsonNode v = s.get("value");
            if (v != null && v.isNumber()) {
                values.get(metric).get(driver).add(v.asDouble());
            } else {
                String note = s.path("note").asText();
                failures.get(metric).get(driver).add(note.isEmpty() ? "no figure" : note);
            }
        }
        var stats = new LinkedHashMap<String, Map<String, BenchStats>>();
        values.forEach((metric, byDriver) -> byDriver.forEach((driver, vs) ->
                stats.computeIfAbsent(metric, k -> new LinkedHashMap<>())
                        .put(driver, BenchStats.of(vs, failures.get(metric).get(driver)))));
        return stats;
    }

    private String write(Path out) throws IOException {
        Files.createDirectories(out);
        var stats = summarise();
        // A row no step of this run recorded (a workload left out by BENCH_ONLY) is left out of the table.
        List<Metric> metrics = BenchMetrics.all(config).stream().filter(m -> stats.containsKey(m.id())).toList();
        String table = new BenchTable(metrics, stats, unavailable).render();
        Files.writeString(out.resolve("table.md"), header() + "\n" + table, StandardCharsets.UTF_8);

        ObjectNode root = json.createObjectNode();
        root.set("machine", machine);
        root.set("config", config);
        root.set("unavailable", json.valueToTree(unavailable));
        ObjectNode summary = root.putObject("summary");
        stats.forEach((metric, byDriver) -> {
            ObjectNode m = summary.putObject(metric);
            byDriver.forEach((driver, s) -> {
                ObjectNode d = m.putObject(driver);
                d.put("n", s.values().size());
                if (s.hasValues()) {
                    d.put("median", s.median());
                    d.put("min", s.min());
                    d.put("max", s.max());
                }
                d.set("values", json.valueToTree(s.values()));
                d.set("not_taken", json.valueToTree(s.failures()));
            });
        });
        root.set("samples", json.valueToTree(samples));
        json.writeValue(out.resolve("results.json").toFile(), root);
        return table;
    }

    private String header() {
        return "Run of " + machine.path("date").asText("?") + " on " + machine.path("nproc").asText("?")
                + " cores (" + machine.path("cpu").asText("?") + "), " + machine.path("memory").asText("?")
                + " of memory, Linux " + machine.path("kernel").asText("?") + ", Docker "
                + machine.path("docker").asText("?") + ", rclone " + machine.path("rclone").asText("?")
                + (machine.has("data") ? "; every driver's data on " + machine.path("data").asText() : "") + ".\n"
                + "Sizes: W1/W2 " + config.path("size_mb").asText() + " MiB; W3/W4 " + config.path("files").asText()
                + " files in " + config.path("dirs").asText() + " dirs; W5 " + config.path("rename_files").asText()
                + " files; W7 " + config.path("exit_files").asText() + " files; W8 " + config.path("sqlite_tx").asText()
                + " transactions;" + bigSizes() + " writeback-delay " + config.path("writeback_delay").asText() + "; "
                + config.path("reps").asText() + " repetition(s), medians (min–max). One S3Proxy (filesystem-nio2"
                + " backend) on 127.0.0.1 for all." + jvmOptions() + "\n";
    }

    /** The cloudsync plugin's JVM options, when the run set them instead of the plugin's default. */
    private String jvmOptions() {
        String options = config.path("cloudsync_jvm").asText("");
        return options.isEmpty() ? "" : " cloudsync's JDK_JAVA_OPTIONS: `" + options + "`.";
    }

    /** W9/W10's sizes and repetitions, when they ran; and the selection of workloads, when there was one. */
    private String bigSizes() {
        String text = "";
        if (config.path("bigdir_files").asLong(0) > 0) {
            text += " W9 " + config.path("bigdir_files").asText() + " files;";
        }
        if (config.path("huge_objects").asLong(0) > 0) {
            text += " W10 " + config.path("huge_objects").asText() + " objects;";
        }
        if (!text.isEmpty()) {
            text += " W9/W10 in " + config.path("big_reps").asText("1") + " repetition(s);";
        }
        if (!config.path("only").asText("").isEmpty()) {
            text += " only " + config.path("only").asText() + ";";
        }
        return text;
    }

    private void updateDoc(Path doc, String table) throws IOException {
        String section = BEGIN + "\n" + header() + "\n" + table + END;
        String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Performance\n\n";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + section + text.substring(e + END.length());
        } else {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, text, StandardCharsets.UTF_8);
    }
}
