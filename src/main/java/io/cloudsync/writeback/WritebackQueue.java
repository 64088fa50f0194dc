package io.cloudsync.writeback;

import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The pending work of one volume and its order, without threads or I/O (the {@link Uploader} holds the lock and
 * does the I/O). Each object key has one {@link PendingChange}; changes wait in due order. A rename is a
 * {@link RenameBarrier}: it starts only when nothing that removes objects under its names is pending or running
 * and no job under its names is running; when it starts, the pending uploads under its names move behind it (see
 * {@link RenameBarrier#movedBehind}), and every record journaled after it under its names waits until it is done.
 * So the store never deletes an object before its copy exists, never copies an object that the volume deleted
 * before the rename, and never has a later upload overwritten by an older copy.
 *
 * <p>Not thread-safe: every method is called with the uploader's lock held.
 */
final class WritebackQueue {

    /**
     * A job taken from the queue: either one key's newest state, or one rename.
     *
     * @param newName the change began with a creation and no object of this volume can be at its name
     */
    record Job(PendingChange change, RenameBarrier barrier, Mutation mutation, List<Long> seqs, boolean skipRemote,
               boolean newName) {
    }

    private final String prefix;
    private final LongPredicate alreadyApplied;
    private final TreeMap<String, PendingChange> changes = new TreeMap<>();
    private final TreeSet<PendingChange> waiting = new TreeSet<>(
            Comparator.comparingLong((PendingChange p) -> p.dueAtNanos).thenComparing(p -> p.key));
    private final TreeMap<Long, RenameBarrier> barriers = new TreeMap<>();
    private boolean flushing;

    /**
     * @param prefix         key prefix of the volume in the bucket, without trailing '/' (empty for the bucket root)
     * @param alreadyApplied which replayed renames were applied in the store before the restart
     */
    WritebackQueue(String prefix, LongPredicate alreadyApplied) {
        this.prefix = prefix;
        this.alreadyApplied = alreadyApplied;
    }

    String key(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    /**
     * Takes a journal record, due at {@code dueAtNanos} (at once while flushing). {@code replayed}: the record
     * comes from the journal of an earlier run, so its upload may have reached the store before a crash.
     */
    void add(JournalEntry entry, long dueAtNanos, long nowNanos, long nowMillis, boolean replayed) {
        long due = flushing ? Math.min(dueAtNanos, nowNanos) : dueAtNanos;
        Mutation m = entry.mutation();
        for (RenameBarrier b : barriers.values()) {
            if (b.seq < entry.seq() && b.covers(m)) {
                b.park(entry, due, replayed);
                return;
            }
        }
        if (m instanceof Mutation.Renamed r) {
            RenameBarrier barrier = new RenameBarrier(entry.seq(), r, due, nowMillis);
            barrier.alreadyApplied = replayed && alreadyApplied.test(entry.seq());
            barriers.put(entry.seq(), barrier);
            return;
        }
        boolean marker = m instanceof Mutation.DirCreated || m instanceof Mutation.DirChanged
                || m instanceof Mutation.DirRemoved;
        String key = key(m.path()) + (marker ? "/" : "");
        PendingChange p = changes.computeIfAbsent(key, k -> new PendingChange(k, m.path(), marker, nowMillis));
        p.add(entry.seq(), m);
        p.missingNodeWaits = 0; // the record it waited for may be this one
        p.mayBeInStore |= replayed;
        if (p.inFlight) {
            p.cancelRequested = true; // what is being sent is already stale; its records stay pending
            if (p.failures == 0 || due > p.dueAtNanos) {
                p.dueAtNanos = due;
            }
        } else if (p.failures == 0 || due > p.dueAtNanos) {
            schedule(p, due);
        } else if (!waiting.contains(p)) {
            schedule(p, p.dueAtNanos);
        }
    }

    /**
     * Whether the waiting change of the file at {@code path} will upload its content as it is when the upload starts,
     * so that a new change record would add nothing; if so, it becomes due at {@code dueAtNanos}, as with a new
     * record. Not if its upload is running (it may have read the file already), if its newest record is a removal,
     * or if a rename in the queue touches the name (a record after it would wait behind it; the waiting one would not).
     */
    boolean postponeWaitingUpload(String path, long dueAtNanos, long nowNanos) {
        PendingChange p = changes.get(key(path));
        if (p == null || p.inFlight || p.directoryMarker
                || !(p.newest() instanceof Mutation.FileChanged || p.newest() instanceof Mutation.FileCreated)) {
            return false;
        }
        Mutation change = new Mutation.FileChanged(path);
        for (RenameBarrier b : barriers.values()) {
            if (b.covers(change)) {
                return false;
            }
        }
        long due = flushing ? Math.min(dueAtNanos, nowNanos) : dueAtNanos;
        if (p.failures == 0 || due > p.dueAtNanos) {
            schedule(p, due);
        }
        return true;
    }

    /** The job due first at {@code nowNanos}, marked running; null if none is due (see {@link #nextDueNanos}). */
    Job takeDue(long nowNanos) {
        RenameBarrier barrier = null;
        for (RenameBarrier b : barriers.values()) {
            if (!b.inFlight && b.dueAtNanos <= nowNanos && (barrier == null || b.dueAtNanos < barrier.dueAtNanos)
                    && readyToStart(b)) {
                barrier = b;
            }
        }
        PendingChange first = firstRunnableChange();
        if (first != null && first.dueAtNanos <= nowNanos && (barrier == null || first.dueAtNanos <= barrier.dueAtNanos)) {
            waiting.remove(first);
            boolean newName = first.neverInStore();
            boolean skipRemote = newName && !first.wantsContent();
            first.inFlight = true;
            first.mayBeInStore |= !skipRemote;
            first.cancelRequested = false;
            first.runningSeqs = first.seqs();
            return new Job(first, null, first.newest(), first.runningSeqs, skipRemote, newName);
        }
        if (barrier == null) {
            return null;
        }
        start(barrier);
        return new Job(null, barrier, barrier.rename, List.of(barrier.seq),
                barrier.sourceNeverInStore || barrier.alreadyApplied, false);
    }

    /**
     * The waiting change due first that may run on its own. An upload under a rename that has not started yet (a
     * barrier, or a rename waiting behind one) does not: its content may live under the new name now, and it
     * moves behind that rename when the rename starts.
     */
    private PendingChange firstRunnableChange() {
        for (PendingChange p : waiting) {
            if (!(p.wantsContent() && underPendingRename(p))) {
                return p;
            }
        }
        return null;
    }

    private boolean underPendingRename(PendingChange p) {
        for (RenameBarrier b : barriers.values()) {
            if (b.covers(p.newest())) {
                return true;
            }
        }
        return false;
    }

    /** When the next job may become due; Long.MAX_VALUE if nothing waits on time. */
    long nextDueNanos() {
        PendingChange first = firstRunnableChange();
        long next = first == null ? Long.MAX_VALUE : first.dueAtNanos;
        for (RenameBarrier b : barriers.values()) {
            if (!b.inFlight && readyToStart(b)) {
                next = Math.min(next, b.dueAtNanos);
            }
        }
        return next;
    }

    private boolean readyToStart(RenameBarrier b) {
        for (PendingChange p : under(b)) {
            if (p.inFlight || !p.wantsContent()) {
                return false; // a running job, or a removal that must reach the store first
            }
        }
        return true;
    }

    /** Moves the pending uploads under the rename's names behind it, in their journal order. */
    private void start(RenameBarrier b) {
        List<PendingChange> moving = under(b);
        String sourceKey = key(b.rename.path());
        PendingChange source = changes.get(sourceKey);
        b.sourceNeverInStore = !b.rename.directory() && source != null && source.neverInStore();
        for (PendingChange p : moving) {
            changes.remove(p.key);
            waiting.remove(p);
            for (Map.Entry<Long, Mutation> r : p.records()) {
                b.moveBehind(r.getKey(), r.getValue());
            }
        }
        b.inFlight = true;
    }

    /**
     * The changes to the objects the rename moves or replaces: for a file, the objects of its two names; for a
     * directory, the markers of its two names and every object below them (a file object with the directory's
     * name is another object, which the rename does not touch).
     */
    private List<PendingChange> under(RenameBarrier b) {
        List<PendingChange> out = new ArrayList<>();
        for (String root : List.of(b.rename.path(), b.rename.target())) {
            String key = key(root);
            if (!b.rename.directory()) {
                PendingChange file = changes.get(key);
                if (file != null && !file.directoryMarker) {
                    out.add(file);
                }
                continue;
            }
            // "k/" up to (not including) "k0": '0' follows '/' in code point order
            SortedMap<String, PendingChange> below = changes.subMap(key + "/", key + "0");
            for (PendingChange p : below.values()) {
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The running job of {@code p} is in the store: its records are done; newer ones wait for their turn. */
    void changeDone(PendingChange p) {
        p.inFlight = false;
        p.failures = 0;
        p.missingNodeWaits = 0;
        if (p.removeAll(p.runningSeqs)) {
            changes.remove(p.key);
        } else {
            schedule(p, p.dueAtNanos);
        }
        p.runningSeqs = List.of();
    }

    /** The running job of {@code p} must run again at {@code dueAtNanos} (a failure counts toward backoff). */
    void changeRetry(PendingChange p, long dueAtNanos, boolean failure) {
        p.inFlight = false;
        p.runningSeqs = List.of();
        if (failure) {
            p.failures++;
        }
        schedule(p, dueAtNanos);
    }

    /** The rename is in the store: what waited behind it is queued again, in journal order. */
    void barrierDone(RenameBarrier b, long nowNanos, long nowMillis) {
        barriers.remove(b.seq);
        for (RenameBarrier.Parked parked : b.releaseParked()) {
            add(parked.entry(), parked.dueAtNanos(), nowNanos, nowMillis, parked.replayed());
        }
    }

    void barrierRetry(RenameBarrier b, long dueAtNanos) {
        b.inFlight = false;
        b.failures++;
        b.dueAtNanos = dueAtNanos;
    }

    /**
     * Makes everything due now, and keeps new records due at once until {@link #endFlush}. A job in backoff is
     * tried once more now too (whoever flushes wants the store complete now); if it fails again, its backoff goes on.
     */
    void beginFlush(long nowNanos) {
        flushing = true;
        for (PendingChange p : List.copyOf(waiting)) {
            if (p.dueAtNanos > nowNanos) {
                schedule(p, nowNanos);
            }
        }
        for (RenameBarrier b : barriers.values()) {
            b.dueAtNanos = Math.min(b.dueAtNanos, nowNanos);
        }
    }

    /** Jobs waiting out a failure's backoff become due now (the store answers again); their count of failures stays. */
    void retryFailedNow(long nowNanos) {
        for (PendingChange p : List.copyOf(waiting)) {
            if (p.failures > 0 && p.dueAtNanos > nowNanos) {
                schedule(p, nowNanos);
            }
        }
        for (RenameBarrier b : barriers.values()) {
            if (b.failures > 0) {
                b.dueAtNanos = Math.min(b.dueAtNanos, nowNanos);
            }
        }
    }

    void endFlush() {
        flushing = false;
    }

    boolean isFlushing() {
        return flushing;
    }

    boolean isEmpty() {
        return changes.isEmpty() && barriers.isEmpty();
    }

    /** Pending changes, renames and the records waiting behind renames. */
    int size() {
        int n = changes.size() + barriers.size();
        for (RenameBarrier b : barriers.values()) {
            n += b.parked().size() + b.moved().size();
        }
        return n;
    }

    long oldestChangeMillis() {
        long oldest = Long.MAX_VALUE;
        for (PendingChange p : changes.values()) {
            oldest = Math.min(oldest, p.firstChangeMillis);
        }
        for (RenameBarrier b : barriers.values()) {
            oldest = Math.min(oldest, b.firstChangeMillis);
        }
        return oldest;
    }

    /** Calls {@code sink} with every volume path whose newest pending record uploads file content. */
    void forEachPendingFile(Consumer<String> sink) {
        for (PendingChange p : changes.values()) {
            if (p.newest() instanceof Mutation.FileChanged || p.newest() instanceof Mutation.FileCreated) {
                sink.accept(p.path);
            }
        }
        for (RenameBarrier b : barriers.values()) {
            for (RenameBarrier.Parked parked : b.parked()) {
                Mutation m = parked.entry().mutation();
                if (m instanceof Mutation.FileChanged || m instanceof Mutation.FileCreated) {
                    sink.accept(m.path());
                }
            }
            for (JournalEntry moved : b.moved()) {
                if (moved.mutation() instanceof Mutation.FileChanged) {
                    sink.accept(moved.mutation().path());
                }
            }
        }
    }

    /** A one-line picture of the queue, for diagnostics. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("changes:");
        for (PendingChange p : changes.values()) {
            out.append(' ').append(p.key).append(p.inFlight ? "(running)" : "").append(p.seqs());
        }
        out.append("; renames:");
        for (RenameBarrier b : barriers.values()) {
            out.append(' ').append(b.seq).append(':').append(b.rename.path()).append("->").append(b.rename.target())
                    .append(b.inFlight ? "(running)" : "").append(" parked ")
                    .append(b.parked().stream().map(x -> x.entry().seq()).toList());
        }
        return out.toString();
    }

    private void schedule(PendingChange p, long dueAtNanos) {
        waiting.remove(p);
        p.dueAtNanos = dueAtNanos;
        waiting.add(p);
    }
}
