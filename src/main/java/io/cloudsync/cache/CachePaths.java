package io.cloudsync.cache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns a volume path as FUSE gives it ("/a/b.txt") or as the journal keeps it ("a/b.txt") into the journal form
 * and into its cache file, refusing anything that could name a file outside the cache directory.
 */
final class CachePaths {

    private final Path dataDir;

    CachePaths(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    Path dataDir() {
        return dataDir;
    }

    /**
     * Where nodes are made before they are renamed into the volume at once: beside the cache directory (so on
     * its filesystem), never inside it (so no listing of the volume shows them).
     */
    Path staging() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".staging");
    }

    /**
     * The journal form of {@code path}: no leading slash, "" for the root. Refuses "." and ".." segments, empty
     * segments and NUL, so the result can be resolved below the cache directory without escaping it.
     */
    static String relative(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) {
            return "";
        }
        if (p.indexOf('\0') >= 0) {
            throw new InvalidPathException(path, "NUL in a volume path");
        }
        int start = 0;
        while (start <= p.length()) {
            int end = p.indexOf('/', start);
            if (end < 0) {
                end = p.length();
            }
            String segment = p.substring(start, end);
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidPathException(path, "empty, '.' or '..' segment in a volume path");
            }
            start = end + 1;
        }
        return p;
    }

    /** The cache file of a journal-form path. */
    Path file(String relative) {
        if (relative.isEmpty()) {
            return dataDir;
        }
        Path resolved = dataDir.resolve(relative);
        if (!resolved.startsWith(dataDir) || resolved.equals(dataDir)) {
            throw new InvalidPathException(relative, "volume path resolves outside the cache directory");
        }
        return resolved;
    }

    /** The journal form of a cache file below the cache directory. */
    String relativize(Path file) {
        return dataDir.relativize(file).toString();
    }

    /** The last segment of a journal-form path. */
    static String name(String relative) {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }

    /** Whether {@code path} is {@code dir} or lies below it (both journal form). */
    static boolean isAtOrBelow(String path, String dir) {
        if (dir.isEmpty()) {
            return true;
        }
        return path.equals(dir) || (path.startsWith(dir) && path.charAt(dir.length()) == '/');
    }

    /** {@code path} (at or below {@code from}) moved to below {@code to}. */
    static String rebase(String path, String from, String to) {
        return to + path.substring(from.length());
    }
}
