package io.cloudsync.store;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules every {@link ObjectStore} applies to user metadata, so that a fake and a real S3 server accept and
 * return the same maps. S3 sends user metadata as HTTP headers ({@code x-amz-meta-<name>: <value>}): names are
 * case-insensitive (servers return them lower case) and values must be printable US-ASCII, so both are checked
 * here rather than failing later, differently on each server.
 */
public final class UserMetadata {

    /** The header prefix S3 puts before each name; callers may include it, stores strip it. */
    public static final String HEADER_PREFIX = "x-amz-meta-";

    private UserMetadata() {
    }

    /**
     * Returns the map as a store will return it: names lower case, without the {@value #HEADER_PREFIX} prefix.
     *
     * @throws IllegalArgumentException if a name is empty or not an HTTP token, or a value is not printable ASCII
     */
    public static Map<String, String> normalize(Map<String, String> metadata) {
        var result = new TreeMap<String, String>();
        metadata.forEach((rawName, value) -> {
            String name = rawName.toLowerCase(Locale.ROOT);
            if (name.startsWith(HEADER_PREFIX)) {
                name = name.substring(HEADER_PREFIX.length());
            }
            if (name.isEmpty() || !name.chars().allMatch(UserMetadata::isTokenChar)) {
                throw new IllegalArgumentException("user metadata name '" + rawName
                        + "' is not valid: use letters, digits and - _ . only");
            }
            if (value == null || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("user metadata '" + name
                        + "' has a value that is not printable US-ASCII, which S3 headers cannot carry");
            }
            if (result.put(name, value) != null) {
                throw new IllegalArgumentException("user metadata name '" + name + "' is given twice");
            }
        });
        return Map.copyOf(result);
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }
}
