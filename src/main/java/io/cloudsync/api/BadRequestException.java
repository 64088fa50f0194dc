package io.cloudsync.api;

/**
 * A request the plugin cannot act on: its body is not JSON, has the wrong shape, or lacks a field the endpoint
 * needs. The message is sent to Docker as {@code Err}, so it says which endpoint and what was expected; it never
 * quotes the body, which may hold secrets.
 */
public final class BadRequestException extends Exception {

    public BadRequestException(String message) {
        super(message);
    }
}
