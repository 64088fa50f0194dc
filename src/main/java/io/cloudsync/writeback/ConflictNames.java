package io.cloudsync.writeback;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The name a conflicting local version is kept under, beside the name another tool's version keeps:
 * "report.conflict-20261129-205300.txt" for "report.txt" (the extension stays last, so programs still know the
 * file), "notes.conflict-20261129-205300" for "notes" and ".bashrc.conflict-..." for a dot file.
 */
final class ConflictNames {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private ConflictNames() {
    }

    static String beside(String path, Instant when) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String name = path.substring(slash + 1);
        String tag = ".conflict-" + STAMP.format(when);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? dir + name.substring(0, dot) + tag + name.substring(dot) : dir + name + tag;
    }
}
