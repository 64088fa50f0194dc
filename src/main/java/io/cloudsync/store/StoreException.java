package io.cloudsync.store;

/**
 * A failure of the object store, classified by what the caller should do. Only {@code store.minio} decides
 * which S3 error becomes which subtype.
 */
public sealed abstract class StoreException extends Exception
        permits StoreException.NotFound, StoreException.PreconditionFailed,
                StoreException.Transient, StoreException.Permanent {

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The object or bucket does not exist. */
    public static final class NotFound extends StoreException {
        public NotFound(String message, Throwable cause) { super(message, cause); }
    }

    /** A conditional request lost (the object changed since it was last seen). */
    public static final class PreconditionFailed extends StoreException {
        public PreconditionFailed(String message, Throwable cause) { super(message, cause); }
    }

    /** Worth retrying: network errors, timeouts, 5xx, throttling. */
    public static final class Transient extends StoreException {
        public Transient(String message, Throwable cause) { super(message, cause); }
    }

    /** Retrying will not help until someone changes something: bad credentials, access denied, invalid bucket. */
    public static final class Permanent extends StoreException {
        public Permanent(String message, Throwable cause) { super(message, cause); }
    }
}
