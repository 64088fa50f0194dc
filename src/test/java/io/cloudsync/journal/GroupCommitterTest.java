package io.cloudsync.journal;

import io.cloudsync.testsupport.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fsync thread with a fake forcer: batching, failures, close, slow-force logging. */
class GroupCommitterTest {

    /** A fake disk: each force covers what was "appended" when it began, and can be held until released. */
    private static final class FakeLog implements GroupCommitter.Forcer {
        final AtomicLong appended = new AtomicLong();
        final AtomicInteger forcesStarted = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);
        volatile IOException failWith;
        volatile long forceNanos;

        @Override
        public long force() throws IOException {
            long covered = appended.get();
            forcesStarted.incrementAndGet();
            try {
                hold.await();
                if (forceNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(forceNanos); // a slow disk, not synchronisation
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failWith != null) {
                throw failWith;
            }
            return covered;
        }
    }

    @Test
    void waitersThatArriveDuringAForceShareTheNextOne() throws Exception {
        FakeLog log = new FakeLog();
        log.hold = new CountDownLatch(1);
        try (GroupCommitter committer = new GroupCommitter("fake", log, 10_000)) {
            long first = log.appended.incrementAndGet();
            CompletableFuture<Void> firstWaiter = CompletableFuture.runAsync(() -> awaitQuietly(committer, first));
            await().atMost(Duration.ofSeconds(5)).until(() -> log.forcesStarted.get() == 1);

            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long target = log.appended.incrementAndGet();
                later.add(CompletableFuture.runAsync(() -> awaitQuietly(committer, target)));
            }
            log.hold.countDown();
            firstWaiter.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Void> f : later) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertEquals(2, committer.forceCount(), "51 syncs: one force under way, one for all who came during it");
        }
    }

    @Test
    void aRequestedForceRunsWhileTheCallerGoesOnAndItsLaterWaitCostsNoSecondForce() throws Exception {
        FakeLog log = new FakeLog();
        log.hold = new CountDownLatch(1);
        try (GroupCommitter committer = new GroupCommitter("fake", log, 10_000)) {
            long target = log.appended.incrementAndGet();
            committer.request(target); // returns although the force is held
            await().atMost(Duration.ofSeconds(5)).until(() -> log.forcesStarted.get() == 1);
            log.hold.countDown();
            committer.awaitDurable(target);
            assertEquals(1, committer.forceCount());
        }
    }

    @Test
    void aFailedForceFailsItsWaitersAndEveryLaterOne() throws Exception {
        FakeLog log = new FakeLog();
        log.failWith = new IOException("EIO from the fake disk");
        try (GroupCommitter committer = new GroupCommitter("fake", log, 10_000)) {
            long target = log.appended.incrementAndGet();
            IOException first = assertThrows(IOException.class, () -> committer.awaitDurable(target));
            assertTrue(first.getMessage().contains("EIO from the fake disk"), first.getMessage());

            log.failWith = null; // a retried fsync could now "succeed" for pages the kernel already dropped
            long next = log.appended.incrementAndGet();
            IOException later = assertThrows(IOException.class, () -> committer.awaitDurable(next));
            assertTrue(later.getMessage().contains("EIO from the fake disk"), later.getMessage());
        }
    }

    @Test
    void closeReleasesAWaiterWhoseRecordsWereNotForced() throws Exception {
        FakeLog log = new FakeLog();
        log.hold = new CountDownLatch(1);
        GroupCommitter committer = new GroupCommitter("fake", log, 10_000);
        long target = log.appended.incrementAndGet();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> awaitQuietly(committer, target));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.forcesStarted.get() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(committer::close);
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed before its records were made durable"),
                e.getCause().getMessage());
        log.hold.countDown();
        closing.get(15, TimeUnit.SECONDS);
    }

    @Test
    void recordsMadeDurableElsewhereReleaseWaitersWithoutAForce() throws Exception {
        FakeLog log = new FakeLog();
        log.hold = new CountDownLatch(1);
        try (GroupCommitter committer = new GroupCommitter("fake", log, 10_000)) {
            long target = log.appended.addAndGet(3);
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> awaitQuietly(committer, target));
            await().atMost(Duration.ofSeconds(5)).until(() -> log.forcesStarted.get() == 1);
            committer.markDurable(target); // compaction wrote and forced a new segment meanwhile
            waiter.get(5, TimeUnit.SECONDS);
            log.hold.countDown();
        }
    }

    @Test
    void aSlowForceIsLogged() throws Exception {
        FakeLog log = new FakeLog();
        log.forceNanos = TimeUnit.MILLISECONDS.toNanos(50);
        try (CapturedLog captured = CapturedLog.of(GroupCommitter.class);
             GroupCommitter committer = new GroupCommitter("slow-disk", log, 10)) {
            committer.awaitDurable(log.appended.incrementAndGet());
            List<String> warnings = captured.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("slow-disk") && warnings.get(0).contains(" ms"), warnings.get(0));
        }
    }

    private static void awaitQuietly(GroupCommitter committer, long records) {
        try {
            committer.awaitDurable(records);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
