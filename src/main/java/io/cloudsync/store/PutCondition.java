package io.cloudsync.store;

import java.util.Optional;

/**
 * What an upload expects at its key, so that it never overwrites a version it has not seen (S3 conditional writes:
 * {@code If-Match}, {@code If-None-Match: *}). An upload whose condition does not hold fails with
 * {@link StoreException.PreconditionFailed}, or {@link StoreException.NotFound} when it expected a version and
 * there is no object at all.
 *
 * @param etag the version expected; null with {@code mustBeAbsent} or for no condition
 */
public record PutCondition(String etag, boolean mustBeAbsent) {

    /** Whatever is there is overwritten. */
    public static final PutCondition NONE = new PutCondition(null, false);
    /** Only if there is no object at the key. */
    public static final PutCondition ABSENT = new PutCondition(null, true);

    public PutCondition {
        if (etag != null && mustBeAbsent) {
            throw new IllegalArgumentException("a put cannot expect both version " + etag + " and no object");
        }
    }

    /** Only if the object at the key is still {@code etag}. */
    public static PutCondition version(String etag) {
        if (etag == null || etag.isBlank()) {
            throw new IllegalArgumentException("an expected version needs an ETag");
        }
        return new PutCondition(etag, false);
    }

    public boolean isNone() {
        return etag == null && !mustBeAbsent;
    }

    /** Whether the condition holds for {@code current}, the object at the key now (empty: none). */
    public boolean holdsFor(Optional<ObjectInfo> current) {
        if (mustBeAbsent) {
            return current.isEmpty();
        }
        return etag == null || current.map(c -> c.etag().equals(etag)).orElse(false);
    }

    @Override
    public String toString() {
        return isNone() ? "unconditional" : mustBeAbsent ? "if no object" : "if version " + etag;
    }
}
