package io.cloudsync.store;

import java.util.Comparator;

/**
 * The order of object keys in S3 listings: by UTF-8 bytes, which is the order of Unicode code points. Java's
 * {@link String#compareTo} orders UTF-16 chars instead and differs for characters beyond U+FFFF (emoji sort
 * after U+FF5E in S3, before it in Java). Some S3-compatible servers sort the Java way, so stores re-sort.
 */
public final class KeyOrder {

    public static final Comparator<String> S3 = KeyOrder::compare;

    private KeyOrder() {
    }

    private static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
