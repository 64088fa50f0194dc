package io.cloudsync.cache;

import java.io.IOException;

/** A file handle that is not open (never was, or was released): a bug or a stale kernel request. */
public final class UnknownHandleException extends IOException {

    public UnknownHandleException(long handle) {
        super("no open file with handle " + handle);
    }
}
