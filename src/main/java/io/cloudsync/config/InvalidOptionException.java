package io.cloudsync.config;

/** A volume option or plugin setting a user gave that cannot be used; the message says which and why. */
public final class InvalidOptionException extends Exception {
    public InvalidOptionException(String message) {
        super(message);
    }
}
