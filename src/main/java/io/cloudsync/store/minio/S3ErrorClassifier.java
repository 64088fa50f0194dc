package io.cloudsync.store.minio;

import io.cloudsync.store.StoreException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.errors.XmlParserException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The one place where S3 failures become {@link StoreException}s. The subtype says what a caller can do:
 * retry (network trouble, timeouts, 5xx, throttling), give up until a person changes something (credentials,
 * permissions, names), or take it as an answer (not found, precondition failed).
 *
 * <p>Every message names the endpoint, the bucket and what was being done, and says the cause in words a
 * user can act on, followed by the server's own code and message. The secret key is scrubbed from anything
 * taken from the server or the network layer, although neither should ever contain it.
 */
final class S3ErrorClassifier {

    /** S3 error codes that mean "retry later". */
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "OperationAborted",
            "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests", "ServerBusy",
            "XMinioServerNotInitialized");

    /** S3 error codes that mean "the object (or upload) is not there". */
    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchVersion", "NoSuchUpload");

    /** What common permanent codes mean, in words a user can act on. */
    private static final Map<String, String> EXPLANATIONS = Map.ofEntries(
            Map.entry("AccessDenied", "access denied: check the credentials and the bucket's permissions"),
            Map.entry("AllAccessDisabled", "access to the bucket is disabled"),
            Map.entry("InvalidAccessKeyId", "the access key is not known to the server"),
            Map.entry("SignatureDoesNotMatch", "the secret key does not match the access key"),
            Map.entry("ExpiredToken", "the session token has expired"),
            Map.entry("InvalidToken", "the session token is not valid"),
            Map.entry("NoSuchBucket", "the bucket does not exist"),
            Map.entry("InvalidBucketName", "the bucket name is not valid"),
            Map.entry("BucketAlreadyExists", "the bucket name is taken by another account"),
            Map.entry("RequestTimeTooSkewed", "this host's clock differs too much from the server's"),
            Map.entry("AuthorizationHeaderMalformed", "the server refused the signing region or credentials"),
            Map.entry("EntityTooLarge", "the object is larger than the server accepts"),
            Map.entry("KeyTooLongError", "the object key is longer than the server accepts"),
            Map.entry("MetadataTooLarge", "the object's metadata is larger than the server accepts"),
            Map.entry("MethodNotAllowed", "the server does not allow this request"),
            Map.entry("NotImplemented", "the server does not implement this request"),
            Map.entry("SlowDown", "the server asks to slow down"),
            Map.entry("ServiceUnavailable", "the server is unavailable"),
            Map.entry("InternalError", "the server had an internal error"),
            Map.entry("RequestTimeout", "the server timed out waiting for the request"));

    private static final Pattern RESPONSE_CODE = Pattern.compile("Response code: (\\d{3})");

    private final S3Endpoint endpoint;

    S3ErrorClassifier(S3Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The S3 error code of a failure, if the server sent one; none for {@code null} (an exception without a cause). */
    static Optional<String> s3Code(Throwable error) {
        Throwable e = unwrap(error);
        return e instanceof ErrorResponseException ere && ere.errorResponse() != null
                ? Optional.ofNullable(ere.errorResponse().code())
                : Optional.empty();
    }

    /**
     * Classifies {@code error}, which happened while trying to {@code action}, a phrase that names the bucket
     * (for example "upload 'a/b' to bucket 'photos'"): the message then reads
     * "cannot upload 'a/b' to bucket 'photos' at http://host:port: cause (server code: server message)", or for
     * network trouble "cannot reach S3 endpoint http://host:port: connection refused (trying to upload ...)".
     */
    StoreException classify(String action, Throwable error) {
        Throwable e = unwrap(error);
        if (causeChainHas(e, InterruptedException.class)) {
            Thread.currentThread().interrupt();
            return new StoreException.Transient(prefix(action) + "interrupted", e);
        }
        return switch (e) {
            case ErrorResponseException ere -> fromErrorResponse(action, ere);
            case ServerException se -> byHttpStatus(action, se.statusCode(),
                    "HTTP status " + se.statusCode() + " without an S3 error", se);
            case InvalidResponseException ire -> {
                var m = RESPONSE_CODE.matcher(String.valueOf(ire.getMessage()));
                int status = m.find() ? Integer.parseInt(m.group(1)) : 0;
                yield byHttpStatus(action, status, "the answer is not an S3 response (HTTP status " + status
                        + "): is " + endpoint.url() + " an S3 endpoint?", ire);
            }
            case InsufficientDataException ide -> new StoreException.Transient(prefix(action)
                    + "the file changed size while it was read for upload (" + scrub(ide.getMessage()) + ")", ide);
            case XmlParserException xpe -> new StoreException.Transient(prefix(action)
                    + "the server's answer could not be parsed (" + scrub(xpe.getMessage()) + ")", xpe);
            case SSLException ssl -> new StoreException.Permanent("cannot talk TLS to " + endpoint.describe()
                    + ": " + scrub(ssl.getMessage()) + " (trying to " + action + ")", ssl);
            case IOException io -> new StoreException.Transient("cannot reach " + endpoint.describe() + ": "
                    + networkReason(io) + " (trying to " + action + ")", io);
            case IllegalArgumentException iae -> new StoreException.Permanent(prefix(action)
                    + "invalid request: " + scrub(iae.getMessage()), iae);
            default -> new StoreException.Permanent(prefix(action) + "unexpected error: "
                    + e.getClass().getSimpleName() + ": " + scrub(e.getMessage()), e);
        };
    }

    private StoreException fromErrorResponse(String action, ErrorResponseException ere) {
        String code = ere.errorResponse() == null ? null : ere.errorResponse().code();
        int status = ere.response() == null ? 0 : ere.response().code();
        String serverMessage = ere.errorResponse() == null ? null : ere.errorResponse().message();
        String detail = EXPLANATIONS.getOrDefault(code, "the server refused the request") + " (" + code
                + (serverMessage == null || serverMessage.isBlank() ? "" : ": " + scrub(serverMessage)) + ")";
        if (code == null) {
            return byHttpStatus(action, status, "HTTP status " + status, ere);
        }
        if (NOT_FOUND_CODES.contains(code)) {
            return new StoreException.NotFound(prefix(action) + "no such object (" + code + ")", ere);
        }
        if (code.equals("PreconditionFailed")) {
            return new StoreException.PreconditionFailed(prefix(action)
                    + "the object changed since it was last seen (PreconditionFailed)", ere);
        }
        if (TRANSIENT_CODES.contains(code)) {
            return new StoreException.Transient(prefix(action) + detail, ere);
        }
        if (EXPLANATIONS.containsKey(code)) {
            return new StoreException.Permanent(prefix(action) + detail, ere);
        }
        return byHttpStatus(action, status, detail, ere);
    }

    /** Unknown codes and non-S3 answers: 5xx, 408 and 429 are worth retrying, anything else is not. */
    private StoreException byHttpStatus(String action, int status, String detail, Throwable cause) {
        if (status >= 500 || status == 408 || status == 429) {
            return new StoreException.Transient(prefix(action) + detail, cause);
        }
        return new StoreException.Permanent(prefix(action) + detail, cause);
    }

    private String prefix(String action) {
        return "cannot " + action + " at " + endpoint.url() + ": ";
    }

    private String networkReason(IOException io) {
        if (causeChainHas(io, NoRouteToHostException.class)) {
            return "no route to host";
        }
        if (causeChainHas(io, ConnectException.class) || messageChainContains(io, "refused")) {
            return "connection refused";
        }
        if (causeChainHas(io, UnknownHostException.class)) {
            return "unknown host '" + endpoint.url().getHost() + "'";
        }
        if (io instanceof SocketTimeoutException || causeChainHas(io, SocketTimeoutException.class)) {
            return messageChainContains(io, "connect") ? "connection timed out" : "timed out waiting for the server";
        }
        if (messageChainContains(io, "unexpected end of stream") || messageChainContains(io, "connection reset")) {
            return "the server closed the connection";
        }
        return "connection failed (" + io.getClass().getSimpleName() + ": " + scrub(io.getMessage()) + ")";
    }

    /** Removes the secret key from text that came from elsewhere, should it ever be there. */
    String scrub(String text) {
        if (text == null) {
            return "";
        }
        String secret = endpoint.secretKey();
        return secret.isEmpty() ? text : text.replace(secret, "****");
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e != null && (e instanceof ExecutionException || e instanceof CompletionException
                || (e.getClass() == RuntimeException.class && e.getCause() != null)) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean causeChainHas(Throwable error, Class<? extends Throwable> type) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean messageChainContains(Throwable error, String word) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(word)) {
                return true;
            }
        }
        return false;
    }
}
