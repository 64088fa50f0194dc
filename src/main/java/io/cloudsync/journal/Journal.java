package io.cloudsync.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The write-back journal of one volume (implementation lands with the first issue; API fixed here). */
public final class Journal implements AutoCloseable {

    /** Opens (creating if needed) the journal in {@code dir} and replays it. */
    public static Journal open(Path dir) throws IOException {
        throw new UnsupportedOperationException("journal not yet implemented");
    }

    /** Appends a record; it is in the OS but durable only after {@link #sync()}. Listeners see it at once. */
    public long record(Mutation mutation) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Returns when every record appended so far is on stable storage. */
    public void sync() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Marks the record {@code seq} as done (uploaded); done records are dropped at compaction. */
    public void complete(long seq) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Records not yet completed, in sequence order. */
    public List<JournalEntry> pending() {
        throw new UnsupportedOperationException();
    }

    /** Called, on the appending thread, for every record appended after this call. */
    public void subscribe(Consumer<JournalEntry> listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {
    }
}
