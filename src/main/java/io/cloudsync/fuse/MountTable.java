package io.cloudsync.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mounts of this process's mount namespace, from {@code /proc/self/mountinfo}. */
final class MountTable {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mount: its device ("0:52"; for FUSE the minor is the connection number), where, what type, from what. */
    record Entry(String device, Path mountPoint, String fsType, String source) {
    }

    private MountTable() {
    }

    static List<Entry> read() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(MOUNTINFO)) {
            Entry entry = parse(line);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The last (topmost) mount at {@code mountPoint}, if any. */
    static Optional<Entry> at(Path mountPoint) throws IOException {
        Entry found = null;
        for (Entry e : read()) {
            if (e.mountPoint().equals(mountPoint)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Parses "id parent major:minor root mountpoint options [optional...] - fstype source superoptions"; null for
     * a line that does not have that shape.
     */
    static Entry parse(String line) {
        String[] f = line.split(" ");
        int separator = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (f.length < 7 || separator < 0 || separator + 2 >= f.length) {
            return null;
        }
        return new Entry(f[2], Path.of(unescape(f[4])), f[separator + 1], unescape(f[separator + 2]));
    }

    /** The kernel writes space, tab, newline and backslash in these fields as octal escapes ("\040"). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
