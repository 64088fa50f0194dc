package io.cloudsync.writeback;

import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A pending rename and the ordering it imposes. Records under either name that were journaled after the rename
 * wait here ("parked") until the rename is in the store; records journaled before it that remove objects run
 * before it; records before it that upload content are moved behind it under the new name (the local content
 * lives there now). Guarded by the uploader's lock.
 */
final class RenameBarrier {

    final long seq;
    final Mutation.Renamed rename;
    final long firstChangeMillis;
    long dueAtNanos;
    int failures;
    boolean inFlight;
    /** Decided when the job starts: a file that never reached the store needs no copy and no delete. */
    boolean sourceNeverInStore;
    /** Replayed after a restart, and its objects had already moved: it only orders records, it moves nothing. */
    boolean alreadyApplied;
    private final List<Parked> parked = new ArrayList<>();
    /** Records from before the rename whose uploads now belong under the new name (see {@link #movedBehind}). */
    private final List<JournalEntry> moved = new ArrayList<>();
    /** The renames among {@link #parked}, kept apart because every new record is checked against them. */
    private final List<Mutation.Renamed> parkedRenames = new ArrayList<>();

    record Parked(JournalEntry entry, long dueAtNanos, boolean replayed) {
    }

    RenameBarrier(long seq, Mutation.Renamed rename, long dueAtNanos, long firstChangeMillis) {
        this.seq = seq;
        this.rename = rename;
        this.dueAtNanos = dueAtNanos;
        this.firstChangeMillis = firstChangeMillis;
    }

    /**
     * Whether a record for {@code mutation} must keep its order relative to this rename, or to a rename waiting
     * here (which becomes a barrier itself when this one is done).
     */
    boolean covers(Mutation mutation) {
        if (orders(rename, mutation)) {
            return true;
        }
        for (Mutation.Renamed waiting : parkedRenames) {
            if (orders(waiting, mutation)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} is at or below either name of the rename. */
    boolean touches(String path) {
        return touches(rename, path);
    }

    private static boolean orders(Mutation.Renamed rename, Mutation mutation) {
        if (mutation instanceof Mutation.Renamed other) {
            return touches(rename, other.path()) || touches(rename, other.target())
                    || touches(other, rename.path()) || touches(other, rename.target());
        }
        return touches(rename, mutation.path());
    }

    private static boolean touches(Mutation.Renamed rename, String path) {
        return isAtOrBelow(path, rename.path()) || isAtOrBelow(path, rename.target());
    }

    /**
     * Where a record before the rename must act once the rename is in the store: a path under the old name moves
     * to the new one. Only chains whose newest record uploads are moved, and a chain applies its newest state, so
     * every record becomes "changed" ("created" no longer holds: the new name may have replaced an object).
     */
    Mutation movedBehind(Mutation m) {
        String path = isAtOrBelow(m.path(), rename.path())
                ? rename.target() + m.path().substring(rename.path().length())
                : m.path();
        return switch (m) {
            case Mutation.FileCreated c -> new Mutation.FileChanged(path);
            case Mutation.FileChanged c -> new Mutation.FileChanged(path);
            case Mutation.FileRemoved c -> new Mutation.FileChanged(path);
            case Mutation.DirCreated c -> new Mutation.DirChanged(path);
            case Mutation.DirChanged c -> new Mutation.DirChanged(path);
            case Mutation.DirRemoved c -> new Mutation.DirChanged(path);
            case Mutation.Renamed r -> throw new IllegalArgumentException("a rename is never part of a chain: " + r);
        };
    }

    void park(JournalEntry entry, long dueAtNanos, boolean replayed) {
        parked.add(new Parked(entry, dueAtNanos, replayed));
        if (entry.mutation() instanceof Mutation.Renamed r) {
            parkedRenames.add(r);
        }
    }

    /** Takes a record from before the rename that must act under the new name once the rename is done. */
    void moveBehind(long seq, Mutation before) {
        moved.add(new JournalEntry(seq, movedBehind(before)));
    }

    /** The records moved behind the rename, in their new form. */
    List<JournalEntry> moved() {
        return List.copyOf(moved);
    }

    /**
     * The moved and the parked records in journal order, for the queue to take back when the rename is done
     * (moved ones keep their old seqs: they come before everything that was journaled after the rename).
     */
    List<Parked> releaseParked() {
        List<Parked> out = new ArrayList<>(parked);
        for (JournalEntry m : moved) {
            out.add(new Parked(m, 0, true));
        }
        moved.clear();
        out.sort(Comparator.comparingLong(p -> p.entry().seq()));
        parked.clear();
        parkedRenames.clear();
        return out;
    }

    List<Parked> parked() {
        return List.copyOf(parked);
    }

    static boolean isAtOrBelow(String path, String root) {
        return path.equals(root) || (path.length() > root.length() && path.startsWith(root)
                && path.charAt(root.length()) == '/');
    }
}
