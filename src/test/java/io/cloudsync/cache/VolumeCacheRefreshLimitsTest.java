package io.cloudsync.cache;

import io.cloudsync.testsupport.CapturedLog;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a refresh of a listed directory leaves alone (open files, paths a waiting directory rename concerns), what
 * it removes (a directory never looked into whose objects are gone), and what a failing refresh or listing does
 * while the bucket cannot be reached.
 */
class VolumeCacheRefreshLimitsTest {

    private static final Duration REFRESH = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    Journal journal;
    FakeRemoteTree remote;
    FakeUnreachableRemoteTree reachable;
    VolumeCache cache;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(tmp.resolve("journal"));
        remote = new FakeRemoteTree()
                .file("readme.txt", bytes("hello\n"), 0644, 0, 0, Instant.EPOCH)
                .dir("photos", 0755)
                .file("photos/a.jpg", bytes("jpeg"), 0644, 0, 0, Instant.EPOCH)
                .dir("never-opened", 0755)
                .file("never-opened/x.txt", bytes("x"), 0644, 0, 0, Instant.EPOCH)
                .dir("unseen", 0755)
                .file("unseen/y.txt", bytes("y"), 0644, 0, 0, Instant.EPOCH);
        reachable = new FakeUnreachableRemoteTree(remote);
        Path data = tmp.resolve("data");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, reachable, REFRESH);
    }

    @AfterEach
    void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names(String dir) throws IOException {
        return cache.list(dir).stream().map(DirEntry::name).sorted().toList();
    }

    private String read(String path) throws IOException {
        long h = cache.open(path, Set.of(StandardOpenOption.READ));
        try {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            cache.read(h, buf, 0);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } finally {
            cache.release(h);
        }
    }

    /** Looks at {@code dir} until the bucket was listed for it {@code times} more times (each look may refresh it). */
    private void lookUntilListedAgain(String dir, int times) {
        String journalForm = dir.equals("/") ? "" : dir.substring(1);
        long before = remote.listings.stream().filter(journalForm::equals).count();
        await().atMost(DEADLINE).until(() -> {
            cache.list(dir);
            return remote.listings.stream().filter(journalForm::equals).count() >= before + times;
        });
    }

    @Test
    void aDirectoryThatTookLongToListIsListedAgainOnlyAfterTenTimesAsLong() throws IOException {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        Duration listingTakes = Duration.ofSeconds(30);
        remote.duringEachListing(() -> nanos.addAndGet(listingTakes.toNanos()));
        cache.closeOpenFiles();
        journal.close();
        journal = Journal.open(tmp.resolve("journal-slow"));
        Path data = tmp.resolve("data-slow");
        VolumeCache.markRootUnlisted(data);
        cache = new VolumeCache(data, journal, false, remote, new RefreshSchedule(REFRESH, nanos::get), Long.MAX_VALUE);
        assertTrue(names("/").contains("readme.txt"));
        int listings = remote.listings.size();
        remote.file("new.txt", bytes("new\n"), 0644, 0, 0, Instant.EPOCH);

        nanos.addAndGet(listingTakes.toNanos() * RefreshSchedule.LISTING_COST_FACTOR - 1);
        assertFalse(names("/").contains("new.txt"), "well past refresh-interval, but not ten listings' time yet");
        assertEquals(listings, remote.listings.size(), "no listing started");

        nanos.addAndGet(1);
        await().atMost(DEADLINE).until(() -> names("/").contains("new.txt"));
    }

    @Test
    void anOpenFileIsNotReplacedByARefreshUntilItIsClosed() throws IOException {
        assertEquals("hello\n", read("/readme.txt"));
        long open = cache.open("/readme.txt", Set.of(StandardOpenOption.READ));
        remote.replace("readme.txt", bytes("replaced\n"));
        lookUntilListedAgain("/", 2);
        assertEquals("hello\n", read("/readme.txt"), "an open file is left as it is");

        cache.release(open);
        await().atMost(DEADLINE).until(() -> read("/readme.txt").equals("replaced\n"));
    }

    @Test
    void whatAWaitingDirectoryRenameConcernsIsLeftAloneByRefreshes() throws IOException {
        assertEquals(List.of("a.jpg"), names("/photos"));
        cache.rename("/photos", "/pictures", false); // journaled; the bucket still has photos/, not pictures/
        lookUntilListedAgain("/", 2);
        lookUntilListedAgain("/pictures", 2);

        assertFalse(names("/").contains("photos"), "the old name does not come back from the bucket");
        assertEquals(List.of("a.jpg"), names("/pictures"), "the moved file is not taken for deleted in the bucket");
        assertEquals("jpeg", read("/pictures/a.jpg"));
    }

    @Test
    void aDirectoryNeverLookedIntoDisappearsWhenItsObjectsAreGone() throws IOException {
        assertTrue(names("/").contains("never-opened"));
        remote.delete("never-opened/x.txt");
        remote.delete("never-opened");
        await().atMost(DEADLINE).until(() -> !names("/").contains("never-opened"));
        assertEquals(List.of(), journal.pending(), "nothing of this is uploaded back");
    }

    @Test
    void aFailedRefreshKeepsTheViewLogsAWarningAndIsTriedAgainAnIntervalLater() throws IOException {
        List<String> before = names("/");
        try (CapturedLog log = CapturedLog.of(RemoteListing.class)) {
            reachable.down.set(true);
            remote.file("new.txt", bytes("new\n"), 0644, 0, 0, Instant.EPOCH);
            await().atMost(DEADLINE).until(() -> {
                assertEquals(before, names("/"), "the local view stays while the bucket cannot be reached");
                return reachable.failedCalls.get() >= 2;
            });
            List<String> warnings = log.warnings();
            assertTrue(warnings.stream().anyMatch(w -> w.contains("keeps what it has")), warnings::toString);
        }
        reachable.down.set(false);
        await().atMost(DEADLINE).until(() -> names("/").contains("new.txt"));
    }

    @Test
    void whileTheBucketCannotBeReachedOnlyWhatWasListedCanBeLookedIntoAndOnlyWhatWasFetchedRead() throws IOException {
        assertEquals(List.of("a.jpg"), names("/photos"));
        assertEquals("jpeg", read("/photos/a.jpg"));
        reachable.down.set(true);

        IOException unlisted = assertThrows(IOException.class, () -> cache.list("/unseen"));
        assertFalse(unlisted instanceof NoSuchFileException, "an I/O error, not 'no such file': " + unlisted);
        assertEquals(List.of("a.jpg"), names("/photos"));
        assertEquals("jpeg", read("/photos/a.jpg"), "fetched bytes read without the bucket");
        assertEquals(6, cache.attributes("/readme.txt").size(), "a listed file shows");
        IOException unfetched = assertThrows(IOException.class, () -> read("/readme.txt"));
        assertFalse(unfetched instanceof NoSuchFileException, "an I/O error, not 'no such file': " + unfetched);
        cache.release(cache.create("/photos/new.jpg", 0644, null, Set.of()));
        assertEquals(List.of("a.jpg", "new.jpg"), names("/photos"), "writes work");

        reachable.down.set(false);
        assertEquals(List.of("y.txt"), names("/unseen"));
        assertEquals("hello\n", read("/readme.txt"));
    }
}
