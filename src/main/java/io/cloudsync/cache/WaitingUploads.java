package io.cloudsync.cache;

/**
 * What the write-back queue can tell the cache about a file's upload, without the cache knowing the queue.
 *
 * <p>Why: a program that fsyncs often (a database commits with two or three fsyncs) would append a change record
 * for every one and force the journal for it, while the record of its previous change still waits out the
 * write-back delay. That waiting upload reads the file when it starts, so it takes the new bytes with it; a new
 * record would add nothing but a force of the journal.
 */
@FunctionalInterface
public interface WaitingUploads {

    /** No queue: every change is recorded. */
    WaitingUploads NONE = path -> false;

    /**
     * If an upload of the content of the file at {@code path} (journal form) waits in the queue and has not started,
     * moves it to the write-back delay from now, as a new record would, and returns true: the change just made is in
     * the file that upload will read. False if there is none, it has started, or a rename in the queue still has
     * to move the file's objects first; then the change must be recorded.
     */
    boolean postponeWaitingUpload(String path);
}
