package io.cloudsync.store.minio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3EndpointTest {

    @Test
    void toStringNeverShowsTheSecret() {
        var endpoint = S3Endpoint.of("http://127.0.0.1:9000", "eu-west-1", "AKID", "topsecret");
        assertFalse(endpoint.toString().contains("topsecret"), endpoint.toString());
        assertEquals("S3Endpoint[url=http://127.0.0.1:9000, region=eu-west-1, accessKey=AKID, secretKey=****]",
                endpoint.toString());
    }

    @Test
    void describesEndpointAndBucketForMessages() {
        var endpoint = S3Endpoint.of("http://127.0.0.1:9000/", "", "a", "s");
        assertEquals("bucket 'photos' at http://127.0.0.1:9000", endpoint.describe("photos"));
        assertEquals("S3 endpoint http://127.0.0.1:9000", endpoint.describe());
        assertEquals(S3Endpoint.DEFAULT_REGION, endpoint.region());
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:9000, true", "http://localhost:9000, true", "http://[::1]:9000, true",
            "http://127.1.2.3, true", "https://s3.example.com, false", "http://10.0.0.1:9000, false"})
    void knowsLoopbackEndpoints(String url, boolean loopback) {
        assertEquals(loopback, S3Endpoint.of(url, "", "", "").isLoopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1:9000", "ftp://host", "http://", "http://host/path", "http://host?x=1",
            "http://user:pw@host", "http://bad host"})
    void refusesUnusableUrlsWithAClearMessage(String url) {
        var e = assertThrows(IllegalArgumentException.class, () -> S3Endpoint.of(url, "", "a", "s"));
        assertTrue(e.getMessage().startsWith("S3 endpoint"), e.getMessage());
        assertFalse(e.getMessage().contains("pw"), "no user info echoed: " + e.getMessage());
    }

    @Test
    void needsBothKeysOrNeither() {
        assertThrows(IllegalArgumentException.class, () -> S3Endpoint.of("http://h", "", "AKID", ""));
        assertThrows(IllegalArgumentException.class, () -> S3Endpoint.of("http://h", "", "", "secret"));
        assertTrue(S3Endpoint.of("http://h", "", "", "").anonymous());
    }
}
