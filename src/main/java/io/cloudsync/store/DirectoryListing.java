package io.cloudsync.store;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One level of a bucket below a prefix, as {@link ObjectStore#listDirectory} returns it.
 *
 * @param objects        the objects directly under the prefix, in key order ({@link KeyOrder#S3}), without user
 *                       metadata
 * @param subdirectories the names of the child directories (no prefix, no trailing "/"), sorted by
 *                       {@link KeyOrder#S3}, without duplicates
 */
public record DirectoryListing(List<ObjectInfo> objects, List<String> subdirectories) {

    public DirectoryListing {
        objects = List.copyOf(objects);
        subdirectories = List.copyOf(subdirectories);
    }

    /**
     * Gathers a listing of {@code prefix} from what a store found under it, in any order and with repeats (a
     * common prefix may come back on several pages), so that every store derives names the same way.
     */
    public static final class Builder {

        private final String prefix;
        private final TreeMap<String, ObjectInfo> objects = new TreeMap<>(KeyOrder.S3);
        private final TreeSet<String> subdirectories = new TreeSet<>(KeyOrder.S3);

        /**
         * @throws IllegalArgumentException if {@code prefix} is neither empty nor ends with "/": listing "a/b"
         *                                  would also show the siblings "a/bc" and "a/b.txt"
         */
        public Builder(String prefix) {
            if (prefix == null || !(prefix.isEmpty() || prefix.endsWith("/"))) {
                throw new IllegalArgumentException("a directory prefix must be empty or end with '/', was '"
                        + prefix + "'");
            }
            this.prefix = prefix;
        }

        /**
         * An object whose key starts with the prefix: one directly under it is listed as an object; one deeper
         * (a directory marker "prefix + name + /" included) shows its first name as a subdirectory; the marker of the
         * listed directory itself (key equal to the prefix) is neither.
         */
        public Builder addObject(ObjectInfo info) {
            String rest = relative(info.key());
            if (rest == null || rest.isEmpty()) {
                return this;
            }
            int slash = rest.indexOf('/');
            if (slash < 0) {
                objects.put(info.key(), info);
            } else {
                addSubdirectory(rest.substring(0, slash));
            }
            return this;
        }

        /** A common prefix of a delimited listing ("prefix + name + /"), or a key below one. */
        public Builder addCommonPrefix(String commonPrefix) {
            String rest = relative(commonPrefix);
            if (rest == null) {
                return this;
            }
            int slash = rest.indexOf('/');
            addSubdirectory(slash < 0 ? rest : rest.substring(0, slash));
            return this;
        }

        public DirectoryListing build() {
            return new DirectoryListing(new ArrayList<>(objects.values()), new ArrayList<>(subdirectories));
        }

        private void addSubdirectory(String name) {
            // A key with an empty segment ("prefix//x") has no name a directory could be shown under.
            if (!name.isEmpty()) {
                subdirectories.add(name);
            }
        }

        /** The key without the prefix; null for a key outside it, which no server should send (ignored). */
        private String relative(String key) {
            return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
        }
    }
}
