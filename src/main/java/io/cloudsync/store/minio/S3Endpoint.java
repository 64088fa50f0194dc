package io.cloudsync.store.minio;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where an S3-compatible server is and how to sign requests for it. The secret key never leaves this record
 * except into the request signer: {@link #toString()} redacts it, and messages use {@link #describe(String)}.
 *
 * @param url       scheme, host and optional port, nothing else (for example {@code http://127.0.0.1:9000})
 * @param region    the signing region; S3-compatible servers mostly accept {@code us-east-1}
 * @param accessKey the access key id; empty together with {@code secretKey} for anonymous access
 * @param secretKey the secret access key
 */
public record S3Endpoint(URI url, String region, String accessKey, String secretKey) {

    public static final String DEFAULT_REGION = "us-east-1";

    public S3Endpoint {
        if (url == null) {
            throw new IllegalArgumentException("S3 endpoint URL is missing");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("S3 endpoint '" + url + "' must start with http:// or https://");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("S3 endpoint '" + url + "' has no host name");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (!(path.isEmpty() || path.equals("/")) || url.getRawQuery() != null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("S3 endpoint '" + url.getScheme() + "://" + url.getHost()
                    + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + "' must be only scheme, host and port (no path, query or user info)");
        }
        url = URI.create(scheme + "://" + url.getRawAuthority());
        region = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
        accessKey = accessKey == null ? "" : accessKey.strip();
        secretKey = secretKey == null ? "" : secretKey;
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            throw new IllegalArgumentException("S3 credentials for " + url
                    + " need both an access key and a secret key (or neither, for anonymous access)");
        }
    }

    /** Parses {@code url} (see the record's rules); a blank region means {@value #DEFAULT_REGION}. */
    public static S3Endpoint of(String url, String region, String accessKey, String secretKey) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("S3 endpoint URL is missing");
        }
        try {
            return new S3Endpoint(new URI(url.strip()), region, accessKey, secretKey);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("S3 endpoint '" + url.strip() + "' is not a valid URL: "
                    + e.getReason(), e);
        }
    }

    /** Whether requests are sent without a signature. */
    public boolean anonymous() {
        return accessKey.isEmpty();
    }

    /** Whether the host is a loopback address (such servers only understand path-style bucket addressing). */
    public boolean isLoopback() {
        String host = url.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !literal.contains(":")) {
            return false; // a DNS name: do not resolve it just to answer this
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** "S3 endpoint http://host:port", for messages. */
    public String describe() {
        return "S3 endpoint " + url;
    }

    /** "bucket 'photos' at http://host:port", for messages. */
    public String describe(String bucket) {
        return "bucket '" + bucket + "' at " + url;
    }

    @Override
    public String toString() {
        return "S3Endpoint[url=" + url + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=" + (secretKey.isEmpty() ? "" : "****") + "]";
    }
}
