package io.cloudsync.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value syntaxes users type in "-o key=value": durations, sizes and booleans. */
final class OptionValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b?)");

    private OptionValues() {
    }

    /** "0", "500ms", "2s", "5m", "1h"; a bare number is seconds. */
    static Duration duration(String option, String value) throws InvalidOptionException {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidOptionException("option '" + option + "' must be a duration like 0, 500ms, 2s, 5m or 1h, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** "512M", "10GiB", "1g", "1048576"; units are powers of 1024. */
    static long size(String option, String value) throws InvalidOptionException {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidOptionException("option '" + option + "' must be a size like 512MiB, 10GiB or 1T, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new InvalidOptionException("option '" + option + "' is too large: '" + value + "'");
        }
        return n << shift;
    }

    /** A numeric user or group id, 0 to 4294967294 (4294967295 is "no id" to the kernel). */
    static int id(String option, String value) throws InvalidOptionException {
        String v = value.trim();
        if (!v.matches("\\d{1,10}") || Long.parseLong(v) > 0xFFFFFFFEL) {
            throw new InvalidOptionException("option '" + option + "' must be a numeric id from 0 to 4294967294, got '"
                    + value + "'");
        }
        return (int) Long.parseLong(v);
    }

    /** Permission bits in octal, as chmod takes them: "644", "0755", "2775"; at most 07777. */
    static int mode(String option, String value) throws InvalidOptionException {
        String v = value.trim();
        if (!v.matches("0?[0-7]{3,4}") || Integer.parseInt(v, 8) > 07777) {
            throw new InvalidOptionException("option '" + option + "' must be octal permission bits like 644 or 0755, got '"
                    + value + "'");
        }
        return Integer.parseInt(v, 8);
    }

    static boolean bool(String option, String value) throws InvalidOptionException {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new InvalidOptionException("option '" + option + "' must be true or false, got '" + value + "'");
        };
    }
}
