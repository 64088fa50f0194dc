package io.cloudsync.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {

    @TempDir
    Path dir;

    private static List<Mutation> mutations(Journal j) {
        return j.pending().stream().map(JournalEntry::mutation).toList();
    }

    @Test
    void pendingMutationsSurviveReopenAndCompletedOnesDoNot() throws IOException {
        try (Journal j = Journal.open(dir)) {
            long a = j.record(new Mutation.FileChanged("a.txt"));
            j.record(new Mutation.DirCreated("d"));
            j.record(new Mutation.FileRemoved("old.txt"));
            j.complete(a);
            j.sync();
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(List.of(new Mutation.DirCreated("d"), new Mutation.FileRemoved("old.txt")), mutations(j));
            long next = j.record(new Mutation.DirRemoved("d"));
            assertTrue(next > 3, "sequence numbers never repeat after a reopen");
        }
    }

    @Test
    void listenersSeeEveryAppendedRecord() throws IOException {
        List<JournalEntry> seen = new ArrayList<>();
        try (Journal j = Journal.open(dir)) {
            j.subscribe(seen::add);
            long seq = j.record(new Mutation.FileChanged("x"));
            assertEquals(List.of(new JournalEntry(seq, new Mutation.FileChanged("x"))), seen);
        }
    }

    @Test
    void aTornLastRecordEndsTheLogAtEveryByteOffset() throws IOException {
        try (Journal j = Journal.open(dir)) {
            j.record(new Mutation.FileChanged("kept-1"));
            j.record(new Mutation.FileChanged("kept-2"));
            j.sync();
        }
        Path segment = onlySegment();
        long before = Files.size(segment);
        try (Journal j = Journal.open(dir)) {
            j.record(new Mutation.FileChanged("the-torn-one"));
            j.sync();
        }
        Path full = onlySegment();
        byte[] complete = Files.readAllBytes(full);
        // Reopening compacts the two kept records into a new segment of the same size, then the third follows.
        long lastRecordStart = before;
        for (long cut = lastRecordStart; cut < complete.length; cut++) {
            clearSegments();
            Path seg = dir.resolve(full.getFileName());
            Files.write(seg, java.util.Arrays.copyOf(complete, (int) cut));
            try (Journal j = Journal.open(dir)) {
                assertEquals(List.of(new Mutation.FileChanged("kept-1"), new Mutation.FileChanged("kept-2")),
                        mutations(j), "cut at byte " + cut);
                assertTrue(j.problems().isEmpty(), "a torn tail is not corruption (cut at " + cut + ")");
            }
        }
    }

    @Test
    void aBadChecksumBeforeTheEndIsReportedAndTheSegmentSetAside() throws IOException {
        try (Journal j = Journal.open(dir)) {
            j.record(new Mutation.FileChanged("first"));
            j.record(new Mutation.FileChanged("second"));
            j.record(new Mutation.FileChanged("third"));
            j.sync();
        }
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        // Flip a byte inside the path of the second record: header 8 + first record (8 + 1 + 8 + 2 + 5) = 32.
        int secondRecordPath = 8 + 24 + 8 + 1 + 8 + 2;
        bytes[secondRecordPath] ^= 0x55;
        Files.write(segment, bytes);
        try (Journal j = Journal.open(dir)) {
            assertEquals(List.of(new Mutation.FileChanged("first")), mutations(j));
            assertEquals(1, j.problems().size());
            assertTrue(j.problems().get(0).contains("checksum mismatch"), j.problems().get(0));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().contains(".corrupt-")),
                    "the damaged segment is kept for inspection");
        }
    }

    @Test
    void compactionKeepsExactlyThePendingRecords() throws IOException {
        Set<String> expected = new HashSet<>();
        try (Journal j = Journal.open(dir)) {
            for (int i = 0; i < 10_000; i++) {
                long seq = j.record(new Mutation.FileChanged("f" + i));
                if (i % 7 == 0) {
                    expected.add("f" + i);
                } else {
                    j.complete(seq);
                }
            }
            j.sync();
            assertTrue(Files.size(onlySegment()) < 10_000L * 20, "completed records were compacted away");
        }
        try (Journal j = Journal.open(dir)) {
            Set<String> paths = new HashSet<>();
            j.pending().forEach(e -> paths.add(e.mutation().path()));
            assertEquals(expected, paths);
        }
    }

    @Test
    void concurrentAppendersAndSyncersLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 500;
        try (Journal j = Journal.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long seq = j.record(new Mutation.FileChanged("t" + id + "/f" + i));
                        if (i % 10 == 0) {
                            j.sync();
                        }
                        if (i % 2 == 1) {
                            j.complete(seq);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            j.sync();
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(threads * perThread / 2, j.pending().size());
            assertFalse(j.pending().stream().anyMatch(e -> e.mutation().path().matches(".*/f\\d*[13579]")));
        }
    }

    @Test
    void concurrentSyncsShareFsyncs() throws Exception {
        int threads = 16;
        int perThread = 40;
        try (Journal j = Journal.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        j.record(new Mutation.FileChanged("t" + id + "/f" + i));
                        j.sync();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            long syncs = (long) threads * perThread;
            assertTrue(j.syncForceCount() < syncs, "every sync() cost its own fsync: " + j.syncForceCount()
                    + " forces for " + syncs + " syncs");
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(threads * perThread, j.pending().size());
        }
    }

    @Test
    void syncAfterCloseReturnsBecauseCloseForcedEverything() throws IOException {
        Journal j = Journal.open(dir);
        j.record(new Mutation.FileChanged("a"));
        j.close();
        j.sync();
        try (Journal again = Journal.open(dir)) {
            assertEquals(1, again.pending().size());
        }
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segs = files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
            assertEquals(1, segs.size(), "one active segment: " + segs);
            return segs.get(0);
        }
    }

    @Test
    void everyMutationTypeSurvivesReplayAndCompactionAsWritten() throws IOException {
        List<Mutation> all = List.of(new Mutation.FileCreated("n/é.txt"), new Mutation.FileChanged("c"),
                new Mutation.FileRemoved("r"), new Mutation.DirCreated("d"), new Mutation.DirChanged("d2"),
                new Mutation.DirRemoved("d3"), new Mutation.Renamed("from/dir", "to/dir", true),
                new Mutation.Renamed("a", "b", false));
        try (Journal journal = Journal.open(dir)) {
            for (Mutation m : all) {
                journal.record(m);
            }
        }
        try (Journal reopened = Journal.open(dir)) { // replay, then a compacted segment
            assertEquals(all, reopened.pending().stream().map(JournalEntry::mutation).toList());
        }
        try (Journal again = Journal.open(dir)) { // replay of the compacted segment
            assertEquals(all, again.pending().stream().map(JournalEntry::mutation).toList());
        }
    }

    @Test
    void anAppliedRenameStaysPendingAndAppliedAcrossReplayAndCompaction() throws IOException {
        long rename;
        try (Journal journal = Journal.open(dir)) {
            journal.record(new Mutation.FileChanged("a"));
            rename = journal.record(new Mutation.Renamed("a", "b", false));
            journal.markApplied(rename);
            assertTrue(journal.isApplied(rename));
        }
        try (Journal reopened = Journal.open(dir)) {
            assertTrue(reopened.isApplied(rename), "replayed");
            assertEquals(2, reopened.pending().size(), "still pending: it orders the record before it");
        }
        try (Journal again = Journal.open(dir)) {
            assertTrue(again.isApplied(rename), "kept by compaction");
            again.complete(rename);
            assertFalse(again.isApplied(rename));
        }
    }

    private void clearSegments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }
}
