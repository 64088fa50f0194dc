package io.cloudsync.it.support;

import static org.awaitility.Awaitility.await;

import io.cloudsync.testsupport.S3ProxyServer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what a container says it wrote with what the bucket holds: containers print "sha256sum" lines, the
 * test waits until every object exists with the same digest.
 */
public final class BucketChecks {

    /** How long uploads may take after the writing container exits (writeback-delay plus generous slack). */
    public static final Duration UPLOAD_DEADLINE = Duration.ofSeconds(60);

    private BucketChecks() {
    }

    /** Parses "sha256sum" output ("HEX  PATH" lines) into PATH to HEX, ignoring other lines. */
    public static Map<String, String> parseSha256sum(String output) {
        var digests = new TreeMap<String, String>();
        for (String line : output.lines().toList()) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length == 2 && parts[0].matches("[0-9a-f]{64}")) {
                String path = parts[1].startsWith("./") ? parts[1].substring(2) : parts[1];
                digests.put(path, parts[0]);
            }
        }
        return digests;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Waits until {@code bucket} holds {@code prefix/PATH} for every PATH of {@code digests}, with equal bytes. */
    public static void awaitObjects(S3ProxyServer s3, String bucket, String prefix, Map<String, String> digests) {
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("no files to look for: the container printed no sha256sum lines");
        }
        await("objects " + digests.keySet() + " in bucket " + bucket + " under '" + prefix + "/'")
                .atMost(UPLOAD_DEADLINE).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    Map<String, String> found = new LinkedHashMap<>();
                    for (String path : digests.keySet()) {
                        String key = prefix.isEmpty() ? path : prefix + "/" + path;
                        found.put(path, s3.objectExists(bucket, key) ? sha256(s3.readObject(bucket, key)) : "(missing)");
                    }
                    if (!found.equals(digests)) {
                        throw new AssertionError("bucket " + bucket + " holds " + found + " but the container wrote "
                                + digests + "; keys now: " + keysForMessage(s3, bucket));
                    }
                });
    }

    /**
     * The bucket's keys for a failure message. S3Proxy's filesystem backend shows an object being written as a
     * temporary file without its attributes, and a listing at that moment fails: say so rather than let the
     * listing's exception replace the message of the assertion being polled.
     */
    public static String keysForMessage(S3ProxyServer s3, String bucket) {
        try {
            return s3.listKeys(bucket).toString();
        } catch (RuntimeException e) {
            return "(cannot list bucket " + bucket + " now: " + e.getMessage() + ")";
        }
    }
}
