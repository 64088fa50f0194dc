package io.cloudsync.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The figures of one metric for one driver over the repetitions: median, min and max of the values taken,
 * and the reasons of those that could not be taken (a timeout, a failed step).
 */
record BenchStats(List<Double> values, List<String> failures) {

    BenchStats {
        values = List.copyOf(values);
        failures = List.copyOf(failures);
    }

    static BenchStats of(List<Double> values, List<String> failures) {
        var sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return new BenchStats(sorted, failures);
    }

    boolean hasValues() {
        return !values.isEmpty();
    }

    double median() {
        int n = values.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    double min() {
        return values.isEmpty() ? Double.NaN : values.getFirst();
    }

    double max() {
        return values.isEmpty() ? Double.NaN : values.getLast();
    }

    /** The distinct failure reasons, in the order first seen. */
    List<String> distinctFailures() {
        return List.copyOf(new LinkedHashSet<>(failures));
    }
}
