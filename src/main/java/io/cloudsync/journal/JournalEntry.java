package io.cloudsync.journal;

/** A mutation with its place in the journal: sequence numbers grow by one per record and never repeat. */
public record JournalEntry(long seq, Mutation mutation) {
}
