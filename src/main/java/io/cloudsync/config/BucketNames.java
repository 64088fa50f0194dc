package io.cloudsync.config;

import java.util.regex.Pattern;

/** The S3 bucket naming rules (general purpose buckets), checked before any request so the error is precise. */
public final class BucketNames {

    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BucketNames() {
    }

    public static void validate(String bucket) throws InvalidOptionException {
        String why = problem(bucket);
        if (why != null) {
            throw new InvalidOptionException("invalid bucket name '" + bucket + "': " + why);
        }
    }

    private static String problem(String b) {
        if (b.length() < 3 || b.length() > 63) {
            return "must be 3 to 63 characters long";
        }
        if (!ALLOWED.matcher(b).matches()) {
            return "may contain only lower-case letters, digits, dots and hyphens, and must begin and end with a letter or digit";
        }
        if (b.contains("..")) {
            return "must not contain two adjacent dots";
        }
        if (IP_ADDRESS.matcher(b).matches()) {
            return "must not be formatted as an IP address";
        }
        if (b.startsWith("xn--") || b.startsWith("sthree-")) {
            return "must not begin with 'xn--' or 'sthree-'";
        }
        if (b.endsWith("-s3alias") || b.endsWith("--ol-s3")) {
            return "must not end with '-s3alias' or '--ol-s3'";
        }
        return null;
    }
}
