package io.cloudsync.writeback;

import io.cloudsync.journal.Mutation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is pending for one object key: the chain of journal records not yet in the store (ten writes to a file are
 * ten records and one upload of the newest state), when it becomes due, and whether a job for it is running.
 * Guarded by the uploader's lock, except {@link #cancelRequested}, which the running upload polls.
 */
final class PendingChange {

    final String key;
    /** The volume path (journal form); the key adds the prefix and, for a directory marker, a trailing '/'. */
    final String path;
    final boolean directoryMarker;
    private final TreeMap<Long, Mutation> chain = new TreeMap<>();
    long dueAtNanos;
    final long firstChangeMillis;
    int failures;
    /** Jobs that found no local node and waited for the record explaining it (see {@link LocalNodeMissing}). */
    int missingNodeWaits;
    boolean inFlight;
    /** Seqs the running job stands for: only they are completed when it succeeds. */
    List<Long> runningSeqs = List.of();
    /**
     * A job may have written this key since the chain began (one was attempted: a failed or timed-out request may
     * still have landed), or the chain was replayed after a restart, when nothing is known of what reached the store.
     */
    boolean mayBeInStore;
    /** A newer record arrived while the upload ran: its bytes are stale, stop sending them. */
    volatile boolean cancelRequested;

    PendingChange(String key, String path, boolean directoryMarker, long firstChangeMillis) {
        this.key = key;
        this.path = path;
        this.directoryMarker = directoryMarker;
        this.firstChangeMillis = firstChangeMillis;
    }

    void add(long seq, Mutation m) {
        chain.put(seq, m);
    }

    /** The state the store must reach: the newest record's. */
    Mutation newest() {
        return chain.lastEntry().getValue();
    }

    long oldestSeq() {
        return chain.firstKey();
    }

    /**
     * Whether the store has never held an object for this key since the chain began: its oldest pending record is
     * a creation (a name new to the volume), and no job is running that might be writing one now.
     */
    boolean neverInStore() {
        Mutation first = chain.firstEntry().getValue();
        return !inFlight && !mayBeInStore && (first instanceof Mutation.FileCreated || first instanceof Mutation.DirCreated);
    }

    /** True if the newest record asks for content in the store (not a removal). */
    boolean wantsContent() {
        return switch (newest()) {
            case Mutation.FileRemoved r -> false;
            case Mutation.DirRemoved r -> false;
            default -> true;
        };
    }

    List<Long> seqs() {
        return new ArrayList<>(chain.keySet());
    }

    Iterable<Map.Entry<Long, Mutation>> records() {
        return chain.entrySet();
    }

    /** Drops the records a finished job stood for; true if nothing is left. */
    boolean removeAll(List<Long> done) {
        done.forEach(chain::remove);
        return chain.isEmpty();
    }

    boolean isEmpty() {
        return chain.isEmpty();
    }
}
