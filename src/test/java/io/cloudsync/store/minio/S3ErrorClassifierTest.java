package io.cloudsync.store.minio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.store.StoreException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.ErrorResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which S3 failures a caller may retry, which need a person, and which are answers; all with a clear message. */
class S3ErrorClassifierTest {

    private static final String SECRET = "s3cr3t-never-shown";
    private final S3Endpoint endpoint = S3Endpoint.of("http://127.0.0.1:9000", "", "AKID", SECRET);
    private final S3ErrorClassifier classifier = new S3ErrorClassifier(endpoint);

    @ParameterizedTest(name = "{0} (HTTP {1}) is {2}")
    @CsvSource({
            "SlowDown, 503, Transient",
            "ServiceUnavailable, 503, Transient",
            "InternalError, 500, Transient",
            "RequestTimeout, 400, Transient",
            "OperationAborted, 409, Transient",
            "SomethingNew, 502, Transient",
            "SomethingNew, 429, Transient",
            "AccessDenied, 403, Permanent",
            "InvalidAccessKeyId, 403, Permanent",
            "SignatureDoesNotMatch, 403, Permanent",
            "NoSuchBucket, 404, Permanent",
            "InvalidBucketName, 400, Permanent",
            "RequestTimeTooSkewed, 403, Permanent",
            "SomethingNew, 400, Permanent",
            "NoSuchKey, 404, NotFound",
            "NoSuchUpload, 404, NotFound",
            "PreconditionFailed, 412, PreconditionFailed",
    })
    void s3ErrorCodesAreClassified(String code, int status, String expected) {
        StoreException e = classifier.classify("upload 'a/b' to bucket 'photos'", s3Error(code, status));
        assertEquals(expected, e.getClass().getSimpleName(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot upload 'a/b' to bucket 'photos' at http://127.0.0.1:9000: "),
                e.getMessage());
    }

    @Test
    void messagesExplainTheCodeAndKeepTheServersWords() {
        var e = classifier.classify("check bucket 'photos'", s3Error("SignatureDoesNotMatch", 403));
        assertEquals("cannot check bucket 'photos' at http://127.0.0.1:9000: the secret key does not match the "
                + "access key (SignatureDoesNotMatch: server says SignatureDoesNotMatch)", e.getMessage());
    }

    @Test
    void networkFailuresAreTransientAndNameTheEndpoint() {
        var refused = classifier.classify("check bucket 'b'",
                new ConnectException("Failed to connect to /127.0.0.1:9000"));
        assertInstanceOf(StoreException.Transient.class, refused);
        assertEquals("cannot reach S3 endpoint http://127.0.0.1:9000: connection refused (trying to check bucket 'b')",
                refused.getMessage());
        var timeout = classifier.classify("read 'k' from bucket 'b'", new SocketTimeoutException("Read timed out"));
        assertInstanceOf(StoreException.Transient.class, timeout);
        assertTrue(timeout.getMessage().contains("timed out waiting for the server"), timeout.getMessage());
        var connectTimeout = classifier.classify("x", new SocketTimeoutException("connect timed out"));
        assertTrue(connectTimeout.getMessage().contains("connection timed out"), connectTimeout.getMessage());
        var dns = classifier.classify("x", new UnknownHostException("s3.invalid"));
        assertInstanceOf(StoreException.Transient.class, dns);
        assertTrue(dns.getMessage().contains("unknown host '127.0.0.1'"), dns.getMessage());
        var reset = classifier.classify("x", new IOException("unexpected end of stream on http://127.0.0.1:9000/..."));
        assertTrue(reset.getMessage().contains("the server closed the connection"), reset.getMessage());
    }

    @Test
    void tlsFailuresArePermanent() {
        var e = classifier.classify("x", new SSLHandshakeException("PKIX path building failed"));
        assertInstanceOf(StoreException.Permanent.class, e);
        assertTrue(e.getMessage().startsWith("cannot talk TLS to S3 endpoint http://127.0.0.1:9000"), e.getMessage());
    }

    @Test
    void answersThatAreNotS3AreClassifiedByStatus() {
        assertInstanceOf(StoreException.Transient.class, classifier.classify("x",
                new InvalidResponseException(502, "text/html", "<html>Bad Gateway</html>", "")));
        var notS3 = classifier.classify("x", new InvalidResponseException(404, "text/html", "<html/>", ""));
        assertInstanceOf(StoreException.Permanent.class, notS3);
        assertTrue(notS3.getMessage().contains("is http://127.0.0.1:9000 an S3 endpoint?"), notS3.getMessage());
        assertInstanceOf(StoreException.Transient.class, classifier.classify("x", new ServerException("x", 503, "")));
        assertInstanceOf(StoreException.Permanent.class, classifier.classify("x", new ServerException("x", 400, "")));
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        var e = classifier.classify("x", new ExecutionException(new ConnectException("Connection refused")));
        assertInstanceOf(StoreException.Transient.class, e);
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void interruptionIsTransientAndKeepsTheInterruptFlag() {
        try {
            var e = classifier.classify("x", new RuntimeException(new InterruptedException()));
            assertInstanceOf(StoreException.Transient.class, e);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theSecretIsScrubbedFromAnythingQuoted() {
        var e = classifier.classify("x", new IOException("weird failure mentioning " + SECRET));
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        var s3 = classifier.classify("x", new ErrorResponseException(
                new ErrorResponse("Odd", "echo " + SECRET, "b", "k", "/b/k", "r", "h"), response(400), ""));
        assertFalse(s3.getMessage().contains(SECRET), s3.getMessage());
    }

    @Test
    void s3CodeIsReadThroughWrappers() {
        assertEquals("NoSuchKey", S3ErrorClassifier.s3Code(new ExecutionException(s3Error("NoSuchKey", 404)))
                .orElseThrow());
        assertTrue(S3ErrorClassifier.s3Code(new IOException("x")).isEmpty());
    }

    private static ErrorResponseException s3Error(String code, int status) {
        return new ErrorResponseException(
                new ErrorResponse(code, "server says " + code, "photos", "a/b", "/photos/a/b", "req", "host"),
                response(status), "");
    }

    private static Response response(int status) {
        return new Response.Builder()
                .request(new Request.Builder().url("http://127.0.0.1:9000/photos/a/b").build())
                .protocol(Protocol.HTTP_1_1).code(status).message("status " + status).build();
    }
}
