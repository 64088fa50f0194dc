package io.cloudsync.store.minio;

import io.cloudsync.store.PutCondition;
import io.cloudsync.store.StoreException;

import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Whether the server checks S3 conditional writes ({@code If-Match}, {@code If-None-Match: *} on PUT), found out
 * once per store by a probe, and the headers that ask for them. AWS S3, MinIO and recent S3Proxy check them; older
 * servers ignore the headers and would overwrite silently, so the store must know before it relies on them.
 *
 * <p>The probe is a PUT of no bytes with {@code If-Match} of an ETag no object has, to a new key beside the first
 * object uploaded: a server that checks refuses it (PreconditionFailed, or NoSuchKey as AWS answers) and nothing is
 * written; a server that ignores the condition writes an empty object, which the probe removes again.
 */
final class ConditionalPuts {

    private static final Logger LOG = Logger.getLogger(ConditionalPuts.class.getName());
    private static final String PROBE_ETAG = "\"cloudsync-probe-no-such-version\"";
    static final String PROBE_NAME = ".cloudsync-probe-";

    /** The two requests the probe needs, made by the store (which classifies their failures). */
    interface ProbeRequests {
        void putEmpty(String key, Map<String, String> headers) throws StoreException;

        void delete(String key) throws StoreException;
    }

    private final String where;
    private volatile Boolean serverChecks;

    /** @param where the endpoint and bucket, for the log */
    ConditionalPuts(String where) {
        this.where = where;
    }

    /** The request headers that make the server check {@code condition}. */
    static Map<String, String> headers(PutCondition condition) {
        if (condition.mustBeAbsent()) {
            return Map.of("If-None-Match", "*");
        }
        return condition.etag() == null ? Map.of() : Map.of("If-Match", "\"" + condition.etag() + "\"");
    }

    /**
     * Whether the server checks conditions; probes once (beside {@code nearKey}) and remembers the answer. A probe
     * that fails for a passing reason (network, 5xx) throws, and the next call probes again.
     */
    boolean serverChecks(String nearKey, ProbeRequests requests) throws StoreException {
        Boolean known = serverChecks;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (serverChecks == null) {
                serverChecks = probe(nearKey, requests);
            }
            return serverChecks;
        }
    }

    private boolean probe(String nearKey, ProbeRequests requests) throws StoreException {
        int slash = nearKey.lastIndexOf('/');
        String key = nearKey.substring(0, slash + 1) + PROBE_NAME + UUID.randomUUID();
        try {
            requests.putEmpty(key, Map.of("If-Match", PROBE_ETAG));
        } catch (StoreException.PreconditionFailed | StoreException.NotFound refused) {
            LOG.info(() -> where + " checks conditional writes: uploads cannot overwrite a version they have not seen");
            return true;
        } catch (StoreException.Permanent | StoreException.Transient e) {
            if (e instanceof StoreException.Transient
                    && S3ErrorClassifier.s3Code(e.getCause()).filter("NotImplemented"::equals).isEmpty()) {
                throw e; // unreachable or busy: find out at a later upload
            }
            ignored("it refused the conditional header (" + e.getMessage() + ")");
            return false;
        }
        requests.delete(key);
        ignored("it ignored the conditional header");
        return false;
    }

    private void ignored(String why) {
        LOG.warning(where + " does not check conditional writes (" + why + "): before each upload the object is"
                + " looked at instead, which leaves a short window in which another tool's change can be overwritten");
    }
}
