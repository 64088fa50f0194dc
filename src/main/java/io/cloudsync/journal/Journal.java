package io.cloudsync.journal;

import io.cloudsync.util.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The write-back journal of one volume: an append-only log of the mutations the object store has not yet been
 * told about. It knows nothing of S3 or FUSE.
 *
 * <pre>
 * journal  = segment*                      files "segment-NNNNNNNNNNNNNNNN.log", replayed in name order
 * segment  = header record*
 * header   = magic:u32 ("CSJL") version:u16 (1) reserved:u16
 * record   = length:u32 crc32c:u32 body     length = bytes of body; crc32c over body
 * body     = mutation | completed | applied
 * mutation = type:u8 seq:u64 path            type 1 file changed, 2 file removed, 3 dir created, 4 dir removed,
 *                                          5 file created, 6 dir changed
 *          | type:u8 (7) seq:u64 flags:u8 path target   a rename; flags bit 0: a directory
 * path     = length:u16 UTF-8              (target likewise)
 * completed= type:u8 (100) seq:u64         the mutation with that seq is in the object store
 * applied  = type:u8 (101) seq:u64         the rename with that seq moved its objects in the store, but records
 *                                          from before it still wait for it to say where they now belong
 * </pre>
 * All integers big-endian. Replay is idempotent (a mutation is keyed by its seq), so a crash between writing a
 * compacted segment and deleting the old ones only repeats records. A record cut short at the end of the last
 * segment (a crash during its append) ends the log and is truncated away; a record that fails its checksum with
 * more data after it is corruption: it is logged as SEVERE, the segment is renamed "*.corrupt" and kept for
 * inspection, the records before the damage are kept, and the problem stays visible in {@link #problems()}.
 *
 * <p>Durability: {@link #record} writes to the OS; {@link #sync} waits until it is on disk. Every fsync runs on one
 * thread per journal ({@link GroupCommitter}), which forces once for all callers that asked while the previous
 * force ran; a force slower than {@value #SLOW_SYNC_MILLIS} ms is logged. Completion records are never forced
 * themselves: losing one only repeats an idempotent upload.
 *
 * <p>{@code appendLock} guards the segment, sequence numbers and the pending map; the fsync thread takes it only
 * to read which channel to force, never while forcing. Compaction runs under {@code appendLock}, writing only the
 * pending records (small by construction).
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";
    private static final long SLOW_SYNC_MILLIS = 500;
    /** Compact once this many records sit in the active segment and most of them are done. */
    private static final int COMPACT_MIN_RECORDS = 4096;

    private final Path dir;
    private final List<Consumer<JournalEntry>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private final Object appendLock = new Object();
    private final TreeMap<Long, Mutation> pending = new TreeMap<>();
    /** Pending renames already applied in the store (see the grammar); a subset of {@code pending}'s keys. */
    private final java.util.Set<Long> applied = new java.util.HashSet<>();
    private FileChannel active;
    private long activeNumber;
    private long recordsInActive;
    private long nextSeq = 1;
    private long appendedRecords;
    private boolean closed;
    /** A write failure that could not be undone; set once, after which appends fail (see writeLocked). */
    private IOException brokenBy;

    /** Records made durable by a compaction or by close, which replace or close the channel a force may be on. */
    private long durableByReplacement;
    private final GroupCommitter committer;

    private Journal(Path dir) {
        this.dir = dir;
        this.committer = new GroupCommitter(dir.toString(), this::forceActive, SLOW_SYNC_MILLIS);
    }

    /** Opens (creating if needed) the journal in {@code dir}, replays it and starts a fresh compacted segment. */
    public static Journal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Journal journal = new Journal(dir);
        try {
            journal.replay();
        } catch (IOException | RuntimeException e) {
            journal.committer.close();
            throw e;
        }
        return journal;
    }

    private void replay() throws IOException {
        List<Path> segments = segments();
        long lastNumber = 0;
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            lastNumber = segmentNumber(segment);
            SegmentReader.Result result = SegmentReader.read(segment);
            for (Object record : result.records()) {
                apply(record);
            }
            boolean lastSegment = i == segments.size() - 1;
            if (result.ending() == SegmentReader.Ending.TORN_TAIL && lastSegment) {
                LOG.warning(() -> "journal " + segment + ": " + result.problem()
                        + "; the last append was cut short by a crash, the log ends before it");
            } else if (result.ending() != SegmentReader.Ending.CLEAN) {
                setAside(segment, result.problem());
            }
        }
        synchronized (appendLock) {
            activeNumber = lastNumber;
            compactLocked();
        }
    }

    private void apply(Object record) {
        if (record instanceof JournalEntry e) {
            pending.put(e.seq(), e.mutation());
            nextSeq = Math.max(nextSeq, e.seq() + 1);
        } else if (record instanceof RecordCodec.Completed c) {
            pending.remove(c.seq());
            applied.remove(c.seq());
            nextSeq = Math.max(nextSeq, c.seq() + 1);
        } else if (record instanceof RecordCodec.Applied a && pending.containsKey(a.seq())) {
            applied.add(a.seq());
        }
    }

    private void setAside(Path segment, String problem) throws IOException {
        Path aside = segment.resolveSibling(segment.getFileName() + ".corrupt-" + Instant.now().toEpochMilli());
        Files.move(segment, aside, StandardCopyOption.ATOMIC_MOVE);
        String message = "journal corruption in " + segment + ": " + problem
                + "; records after it could not be read; segment kept as " + aside;
        LOG.severe(message);
        problems.add(message);
    }

    /** Appends a record; it is in the OS but durable only after {@link #sync()}. Listeners see it after the append. */
    public long record(Mutation mutation) throws IOException {
        JournalEntry entry;
        synchronized (appendLock) {
            ensureOpenLocked();
            long seq = nextSeq++;
            writeLocked(RecordCodec.encodeMutation(seq, mutation));
            pending.put(seq, mutation);
            entry = new JournalEntry(seq, mutation);
        }
        for (Consumer<JournalEntry> listener : listeners) {
            listener.accept(entry);
        }
        return entry.seq();
    }

    /** Returns when every record appended so far is on stable storage. */
    public void sync() throws IOException {
        startSync().await();
    }

    /** A force of the journal under way: {@link #await} returns once it covers what was appended before it began. */
    @FunctionalInterface
    public interface SyncUnderWay {
        void await() throws IOException;
    }

    /**
     * Starts making every record appended so far durable and returns at once, so that the caller can force its own
     * file while the journal's force runs, and the two forces overlap instead of following one another.
     */
    public SyncUnderWay startSync() {
        long target;
        synchronized (appendLock) {
            target = appendedRecords;
        }
        committer.request(target);
        return () -> committer.awaitDurable(target);
    }

    /** How many fsyncs {@link #sync} calls have cost so far (group commit makes it far fewer than the calls). */
    public long syncForceCount() {
        return committer.forceCount();
    }

    /** Runs on the fsync thread: forces the active segment and returns how many records that covered. */
    private long forceActive() throws IOException {
        long covered;
        FileChannel channel;
        synchronized (appendLock) {
            covered = appendedRecords;
            channel = active;
        }
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            // Compaction or close replaced the channel meanwhile and made everything appended before that durable.
            synchronized (appendLock) {
                if (durableByReplacement < covered) {
                    throw e;
                }
            }
        }
        return covered;
    }

    /** Marks the record {@code seq} as done (in the object store); done records are dropped at compaction. */
    public void complete(long seq) throws IOException {
        synchronized (appendLock) {
            ensureOpenLocked();
            if (pending.remove(seq) == null) {
                return;
            }
            applied.remove(seq);
            writeLocked(RecordCodec.encodeCompleted(seq));
            if (recordsInActive >= COMPACT_MIN_RECORDS && pending.size() * 4L < recordsInActive) {
                compactLocked();
            }
        }
    }

    /**
     * Marks the pending rename {@code seq} as applied in the store: it stays pending (it still orders the records
     * before it) but must never be applied again. Durable after the next {@link #sync}.
     */
    public void markApplied(long seq) throws IOException {
        synchronized (appendLock) {
            ensureOpenLocked();
            if (!pending.containsKey(seq) || !applied.add(seq)) {
                return;
            }
            writeLocked(RecordCodec.encodeApplied(seq));
        }
    }

    /** Whether the pending record {@code seq} was marked with {@link #markApplied}. */
    public boolean isApplied(long seq) {
        synchronized (appendLock) {
            return applied.contains(seq);
        }
    }

    /** Records not yet completed, in sequence order. */
    public List<JournalEntry> pending() {
        synchronized (appendLock) {
            List<JournalEntry> out = new ArrayList<>(pending.size());
            for (Map.Entry<Long, Mutation> e : pending.entrySet()) {
                out.add(new JournalEntry(e.getKey(), e.getValue()));
            }
            return out;
        }
    }

    /** Damage found at replay, for the volume's status. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Called, on the appending thread, for every record appended after this call. */
    public void subscribe(Consumer<JournalEntry> listener) {
        listeners.add(listener);
    }

    /**
     * Appends one record whole or not at all. A full disk can take part of a record and refuse the rest; the part
     * is cut off again, or the next record would follow garbage and replay would report the segment corrupt. If
     * even the cut fails, the journal refuses every later append rather than write after the damage.
     */
    private void writeLocked(ByteBuffer record) throws IOException {
        if (brokenBy != null) {
            throw new IOException("journal " + dir + " refuses appends after a failed write it could not undo: "
                    + brokenBy.getMessage(), brokenBy);
        }
        long start = active.position();
        try {
            while (record.hasRemaining()) {
                active.write(record);
            }
        } catch (IOException e) {
            try {
                active.truncate(start);
                active.position(start);
            } catch (IOException undo) {
                e.addSuppressed(undo);
                brokenBy = e;
            }
            throw e;
        }
        recordsInActive++;
        appendedRecords++;
    }

    /**
     * Rewrites the pending records into a new segment, makes it durable, then deletes the older segments. Every
     * record appended so far is durable afterwards (pending ones in the new segment, done ones no longer needed).
     */
    private void compactLocked() throws IOException {
        long number = activeNumber + 1;
        Path target = dir.resolve(String.format("%s%016d%s", SEGMENT_PREFIX, number, SEGMENT_SUFFIX));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        FileChannel next = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeFully(next, RecordCodec.header());
            for (Map.Entry<Long, Mutation> e : pending.entrySet()) {
                writeFully(next, RecordCodec.encodeMutation(e.getKey(), e.getValue()));
                if (applied.contains(e.getKey())) {
                    writeFully(next, RecordCodec.encodeApplied(e.getKey()));
                }
            }
            next.force(false);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            next.close();
            try {
                Files.deleteIfExists(tmp); // on a full disk, the space it took is what the next attempt needs
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        FileChannel old = active;
        active = next;
        activeNumber = number;
        recordsInActive = pending.size();
        if (old != null) {
            old.close();
        }
        for (Path segment : segments()) {
            if (segmentNumber(segment) < number) {
                Files.delete(segment);
            }
        }
        AtomicFiles.fsyncDirectory(dir);
        durableByReplacement = appendedRecords;
        committer.markDurable(appendedRecords);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(SEGMENT_PREFIX) && n.endsWith(SEGMENT_SUFFIX);
            }).sorted().toList();
        }
    }

    private static long segmentNumber(Path segment) {
        String n = segment.getFileName().toString();
        return Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length()));
    }

    private void ensureOpenLocked() throws IOException {
        if (closed) {
            throw new IOException("journal " + dir + " is closed");
        }
    }

    /** Forces what was appended and closes the active segment. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            synchronized (appendLock) {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    active.force(false);
                    durableByReplacement = appendedRecords;
                    committer.markDurable(appendedRecords);
                } finally {
                    active.close();
                }
            }
        } finally {
            // Outside appendLock: the fsync thread may need it to finish its last force. Waiters the final force
            // did not cover (it failed) are released with an error.
            committer.close();
        }
    }
}
