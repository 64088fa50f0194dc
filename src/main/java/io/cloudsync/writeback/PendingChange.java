package io.cloudsync.writeback;

import io.cloudsync.journal.Mutation;

import java.util.TreeSet;

/**
 * What is pending for one object key: the newest mutation (older ones are coalesced into it), the journal
 * records it stands for, when it becomes due, and whether an upload for it is running. Guarded by the
 * uploader's lock.
 */
final class PendingChange {

    final String key;
    Mutation mutation;
    long newestSeq;
    final TreeSet<Long> seqs = new TreeSet<>();
    long dueAtNanos;
    final long firstChangeMillis;
    int failures;
    boolean inFlight;

    PendingChange(String key, long firstChangeMillis) {
        this.key = key;
        this.firstChangeMillis = firstChangeMillis;
    }

    void add(long seq, Mutation m) {
        if (seqs.add(seq) && seq > newestSeq) {
            newestSeq = seq;
            mutation = m;
        }
    }
}
