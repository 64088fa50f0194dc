package io.cloudsync.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * Which byte ranges of a file are local: sorted, disjoint, non-adjacent half-open ranges [start, end). Immutable.
 * Kept with a placeholder file as text, "0-1048576,4194304-5242880", which stays short because reads are merged.
 */
record RangeSet(List<long[]> ranges) {

    static final RangeSet EMPTY = new RangeSet(List.of());

    RangeSet {
        ranges = List.copyOf(ranges);
    }

    /** The ranges within [from, to) that are not in this set, in order. */
    List<long[]> missing(long from, long to) {
        List<long[]> out = new ArrayList<>();
        long at = from;
        for (long[] r : ranges) {
            if (r[1] <= at) {
                continue;
            }
            if (r[0] >= to) {
                break;
            }
            if (r[0] > at) {
                out.add(new long[] {at, r[0]});
            }
            at = Math.max(at, r[1]);
            if (at >= to) {
                break;
            }
        }
        if (at < to) {
            out.add(new long[] {at, to});
        }
        return out;
    }

    /** Whether [0, size) is all present. */
    boolean covers(long size) {
        return missing(0, size).isEmpty();
    }

    /** This set plus [start, end), merged with what it touches. */
    RangeSet with(long start, long end) {
        if (start >= end) {
            return this;
        }
        List<long[]> out = new ArrayList<>();
        long s = start;
        long e = end;
        boolean placed = false;
        for (long[] r : ranges) {
            if (r[1] < s) {
                out.add(r);
            } else if (r[0] > e) {
                if (!placed) {
                    out.add(new long[] {s, e});
                    placed = true;
                }
                out.add(r);
            } else {
                s = Math.min(s, r[0]);
                e = Math.max(e, r[1]);
            }
        }
        if (!placed) {
            out.add(new long[] {s, e});
        }
        return new RangeSet(out);
    }

    /** The ranges in this set or in {@code other}. */
    RangeSet union(RangeSet other) {
        RangeSet out = this;
        for (long[] r : other.ranges) {
            out = out.with(r[0], r[1]);
        }
        return out;
    }

    String format() {
        StringBuilder b = new StringBuilder();
        for (long[] r : ranges) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(r[0]).append('-').append(r[1]);
        }
        return b.toString();
    }

    /** Parses {@link #format}; anything unreadable counts as nothing present (it is fetched again). */
    static RangeSet parse(String text) {
        RangeSet set = EMPTY;
        if (text == null || text.isBlank()) {
            return set;
        }
        for (String part : text.split(",")) {
            String[] se = part.split("-");
            if (se.length != 2) {
                return EMPTY;
            }
            try {
                set = set.with(Long.parseLong(se[0]), Long.parseLong(se[1]));
            } catch (NumberFormatException e) {
                return EMPTY;
            }
        }
        return set;
    }
}
