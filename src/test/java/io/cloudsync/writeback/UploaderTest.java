package io.cloudsync.writeback;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;
import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Operation;
import io.cloudsync.store.FakeInMemoryObjectStore;
import io.cloudsync.store.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import io.cloudsync.store.StoreException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploaderTest {

    @TempDir
    Path tmp;
    private Path data;
    private Journal journal;
    private FakeInMemoryObjectStore bucket;
    private FakeFaultInjectingObjectStore store;
    private Uploader uploader;

    @BeforeEach
    void open() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        journal = Journal.open(tmp.resolve("journal"));
        bucket = new FakeInMemoryObjectStore("bkt");
        store = new FakeFaultInjectingObjectStore(bucket);
    }

    @AfterEach
    void close() throws IOException {
        if (uploader != null) {
            uploader.close();
        }
        journal.close();
    }

    private void start(Duration delay) {
        uploader = new Uploader("vol", journal, store, "pre", data::resolve, delay, 2);
        uploader.start();
    }

    private Optional<Path> regularFile(String rel) {
        Path p = data.resolve(rel);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    private void write(String rel, String content) throws IOException {
        Path p = data.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        journal.record(new Mutation.FileChanged(rel));
    }

    private String object(String key) {
        return new String(bucket.content(key).orElseThrow(() -> new AssertionError("no object " + key)),
                StandardCharsets.UTF_8);
    }

    @Test
    void aClosedFileReachesTheBucketUnderThePrefixAndTheJournalEmpties() throws Exception {
        start(Duration.ZERO);
        write("a/b.txt", "hello");
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("hello", object("pre/a/b.txt"));
        assertTrue(journal.pending().isEmpty());
    }

    @Test
    void tenWritesBeforeTheDelayMakeOneUpload() throws Exception {
        start(Duration.ofMillis(300));
        for (int i = 0; i < 10; i++) {
            write("f.txt", "version " + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.pending().isEmpty());
        assertEquals("version 9", object("pre/f.txt"));
        assertEquals(1, store.calls(Operation.PUT_FILE));
    }

    @Test
    void nothingIsUploadedBeforeTheDelay() throws Exception {
        start(Duration.ofSeconds(30));
        write("later.txt", "x");
        assertEquals(1, uploader.status().pendingFiles());
        assertEquals(0, store.calls(Operation.PUT_FILE));
        assertTrue(uploader.flush(Duration.ofSeconds(10)), "a flush does not wait for the delay");
        assertEquals("x", object("pre/later.txt"));
    }

    @Test
    void failuresAreRetriedAndShownInTheStatus() throws Exception {
        store.failNext(2, FakeFaultInjectingObjectStore.transientError("server is down"));
        start(Duration.ZERO);
        write("r.txt", "retried");
        await().atMost(Duration.ofSeconds(5)).until(() -> uploader.status().lastError() != null);
        assertTrue(uploader.status().lastError().contains("server is down"), uploader.status().lastError());
        assertTrue(uploader.flush(Duration.ofSeconds(20)));
        assertEquals("retried", object("pre/r.txt"));
    }

    @Test
    void whenTheStoreAnswersAgainFilesInLongBackoffAreTriedAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        store.failWhen(c -> down.get(), Integer.MAX_VALUE, FakeFaultInjectingObjectStore.transientError("outage"));
        start(Duration.ZERO);
        write("long.txt", "waited long");
        // Four failures: 1 + 2 + 4 s of backoff behind it, the next try 8 s after the fourth.
        await().atMost(Duration.ofSeconds(15)).until(() -> putsOf("pre/long.txt") >= 4);
        write("short.txt", "failed once");
        await().atMost(Duration.ofSeconds(5)).until(() -> putsOf("pre/short.txt") >= 1);
        down.set(false);
        // short.txt's retry (1 s) succeeds and tells the queue the store is back: long.txt goes at once, not 8 s on.
        await().atMost(Duration.ofSeconds(4)).until(() -> bucket.content("pre/long.txt").isPresent());
        assertEquals("waited long", object("pre/long.txt"));
        assertEquals("failed once", object("pre/short.txt"));
    }

    private long putsOf(String key) {
        return store.calls().stream().filter(c -> c.operation() == Operation.PUT_FILE && c.key().equals(key)).count();
    }

    @Test
    void anExceptionThatIsNotAStoreErrorDoesNotStopTheQueue() throws Exception {
        store.failWhen(c -> c.key().equals("pre/bad.txt"), 1, () -> {
            throw new IllegalStateException("bug in a worker");
        });
        start(Duration.ZERO);
        write("bad.txt", "b");
        write("good.txt", "g");
        assertTrue(uploader.flush(Duration.ofSeconds(20)));
        assertEquals("b", object("pre/bad.txt"));
        assertEquals("g", object("pre/good.txt"));
    }

    @Test
    void aChangeDuringItsUploadIsUploadedAgain() throws Exception {
        store.block(c -> c.operation() == Operation.PUT_FILE);
        start(Duration.ZERO);
        write("moving.txt", "first");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.blockedCalls() == 1);
        write("moving.txt", "second");
        store.release();
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("second", object("pre/moving.txt"));
        assertTrue(journal.pending().isEmpty());
    }

    @Test
    void aRunningUploadIsCancelledWhenItsFileChangesAgain() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        AtomicInteger cancelled = new AtomicInteger();
        uploader = new Uploader("vol", journal, sendsUntilCancelled(sending, cancelled), "pre", data::resolve,
                Duration.ZERO, 2);
        uploader.start();
        write("big.bin", "version 1");
        assertTrue(sending.await(5, TimeUnit.SECONDS), "the first upload is sending");
        write("big.bin", "version 2");
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals(1, cancelled.get(), "the stale upload was stopped, not finished");
        assertEquals("version 2", object("pre/big.bin"));
        assertTrue(journal.pending().isEmpty());
        assertEquals(null, uploader.status().lastError(), "a cancellation is not an error");
    }

    /**
     * A store whose first file upload keeps "sending" until it is cancelled (bounded by a deadline), the moment a
     * large upload spends on the wire; later uploads store at once.
     */
    private ObjectStore sendsUntilCancelled(CountDownLatch sending, AtomicInteger cancelled) {
        return (ObjectStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("putFile") && args.length == 5 && sending.getCount() > 0) {
                        sending.countDown();
                        BooleanSupplier isCancelled = (BooleanSupplier) args[4];
                        await().atMost(Duration.ofSeconds(10)).until(isCancelled::getAsBoolean);
                        cancelled.incrementAndGet();
                        throw new StoreException.Transient("upload cancelled", null);
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anUploadThatReadAFileBeingWrittenIsNotTakenAsComplete() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        uploader = new Uploader("vol", journal, readsThenWaits(read, changed), "pre", data::resolve, Duration.ZERO, 2);
        uploader.start();
        write("db.bin", "old state");
        assertTrue(read.await(5, TimeUnit.SECONDS), "the upload has read the file");
        // A writer changes the file after the upload read it, and has not closed it yet: no new journal record.
        Files.writeString(data.resolve("db.bin"), "new state, longer");
        changed.countDown();
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("new state, longer", object("pre/db.bin"));
        assertTrue(journal.pending().isEmpty());
    }

    /**
     * A store whose first file upload reads the file, then waits for {@code proceed} before storing what it read:
     * the moment a real multipart upload is between reading and committing.
     */
    private ObjectStore readsThenWaits(CountDownLatch read, CountDownLatch proceed) {
        return (ObjectStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("putFile")) {
                        byte[] bytes = Files.readAllBytes((Path) args[1]);
                        if (read.getCount() > 0) {
                            read.countDown();
                            proceed.await(10, TimeUnit.SECONDS);
                        }
                        return bucket.putBytes((String) args[0], bytes, Map.of());
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aFileRemovedWhileItIsSentIsNoUploadFailure() throws Exception {
        uploader = new Uploader("vol", journal, removesTheFileWhileSending(), "pre", data::resolve, Duration.ZERO, 2);
        uploader.start();
        write("tmp.bin", "short-lived");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(data.resolve("tmp.bin")));
        journal.record(new Mutation.FileRemoved("tmp.bin")); // as the volume journals the rm that removed it
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals(null, uploader.status().lastError(), "the client's complaint about the vanished file is no error");
        assertFalse(bucket.content("pre/tmp.bin").isPresent());
        assertTrue(journal.pending().isEmpty());
    }

    /** A store whose first file upload finds its file removed while sending it, and fails as the MinIO client does. */
    private ObjectStore removesTheFileWhileSending() {
        AtomicInteger puts = new AtomicInteger();
        return (ObjectStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("putFile") && puts.getAndIncrement() == 0) {
                        Files.delete((Path) args[1]);
                        throw new StoreException.Permanent("cannot upload '" + args[0] + "': invalid request: "
                                + args[1] + " not a regular file", null);
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void deletesAndDirectoryMarkersReachTheBucket() throws Exception {
        start(Duration.ZERO);
        journal.record(new Mutation.DirCreated("docs"));
        write("docs/x.txt", "x");
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals(Set.of("pre/docs/", "pre/docs/x.txt"), Set.copyOf(bucket.keys()));
        Files.delete(data.resolve("docs/x.txt"));
        journal.record(new Mutation.FileRemoved("docs/x.txt"));
        journal.record(new Mutation.DirRemoved("docs"));
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertTrue(bucket.keys().isEmpty(), "bucket: " + bucket.keys());
    }

    @Test
    void objectsCarryModeOwnerAndMtimeAsS3fsNamesThem() throws Exception {
        start(Duration.ZERO);
        // Every node is made whole before its record, as the cache does: the upload may start at once.
        Files.createDirectories(data.resolve("docs"));
        Files.setPosixFilePermissions(data.resolve("docs"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(data.resolve("docs/secret.txt"), "s");
        Files.setPosixFilePermissions(data.resolve("docs/secret.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        java.time.Instant mtime = java.time.Instant.parse("2024-03-01T12:00:00.250Z");
        Files.setLastModifiedTime(data.resolve("docs/secret.txt"), java.nio.file.attribute.FileTime.from(mtime));
        Files.createSymbolicLink(data.resolve("docs/link"), Path.of("secret.txt"));
        journal.record(new Mutation.DirCreated("docs"));
        journal.record(new Mutation.FileCreated("docs/secret.txt"));
        journal.record(new Mutation.FileCreated("docs/link"));
        assertTrue(uploader.flush(Duration.ofSeconds(10)));

        Map<String, String> file = bucket.stat("pre/docs/secret.txt").orElseThrow().userMetadata();
        assertEquals(String.valueOf(0100600), file.get("mode"), file.toString());
        assertEquals(String.valueOf(Files.getAttribute(data.resolve("docs/secret.txt"), "unix:uid")), file.get("uid"));
        assertEquals(String.valueOf(Files.getAttribute(data.resolve("docs/secret.txt"), "unix:gid")), file.get("gid"));
        assertEquals("1709294400.250000000", file.get("mtime"));
        assertEquals(String.valueOf(040750), bucket.stat("pre/docs/").orElseThrow().userMetadata().get("mode"));
        assertEquals("secret.txt", object("pre/docs/link"), "a symlink's object holds its target, as s3fs stores it");
        assertEquals(String.valueOf(0120777), bucket.stat("pre/docs/link").orElseThrow().userMetadata().get("mode"));
    }

    @Test
    void aNewFileWhoseNameAnotherToolTookMeanwhileIsKeptBesideTheirs() throws Exception {
        bucket.putBytes("pre/taken.txt", "theirs".getBytes(StandardCharsets.UTF_8), Map.of());
        start(Duration.ZERO);
        Files.writeString(data.resolve("taken.txt"), "ours");
        journal.record(new Mutation.FileCreated("taken.txt"));
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("theirs", object("pre/taken.txt"), "nothing is overwritten");
        String kept = bucket.keys().stream().filter(k -> k.startsWith("pre/taken.conflict-")).findFirst()
                .orElseThrow(() -> new AssertionError("no conflict copy: " + bucket.keys()));
        assertTrue(kept.matches("pre/taken\\.conflict-\\d{8}-\\d{6}\\.txt"), kept);
        assertEquals("ours", object(kept));
        assertEquals(1, uploader.status().conflicts());
    }

    @Test
    void anObjectAnotherToolPutsWhileTheUploadIsUnderWayIsNotOverwritten() throws Exception {
        start(Duration.ZERO);
        store.block(c -> c.operation() == Operation.PUT_FILE && c.key().equals("pre/race.txt"));
        Files.writeString(data.resolve("race.txt"), "ours");
        journal.record(new Mutation.FileCreated("race.txt"));
        org.awaitility.Awaitility.await("the upload on its way").atMost(Duration.ofSeconds(10))
                .until(() -> store.blockedCalls() == 1);
        bucket.putBytes("pre/race.txt", "theirs".getBytes(StandardCharsets.UTF_8), Map.of());
        store.release();
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("theirs", object("pre/race.txt"), "the upload was conditional on there being no object");
        String kept = bucket.keys().stream().filter(k -> k.startsWith("pre/race.conflict-")).findFirst()
                .orElseThrow(() -> new AssertionError("no conflict copy: " + bucket.keys()));
        assertEquals("ours", object(kept));
        assertEquals(1, uploader.status().conflicts());
    }

    @Test
    void aNewFileOverItsOwnEarlierUploadIsNoConflict() throws Exception {
        start(Duration.ZERO);
        write("mine.txt", "v1");
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        // A crash lost the record that the upload was done: the file is journaled as created once more.
        journal.record(new Mutation.FileCreated("mine.txt"));
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals(0, uploader.status().conflicts(), uploader.status().toString());
        assertEquals("v1", object("pre/mine.txt"));
    }

    @Test
    void pendingChangesAreUploadedAfterARestart() throws Exception {
        start(Duration.ofHours(1));
        write("survivor.txt", "kept");
        journal.sync();
        uploader.close();
        journal.close();
        assertFalse(bucket.keys().contains("pre/survivor.txt"), "not due before the restart");

        journal = Journal.open(tmp.resolve("journal"));
        start(Duration.ofHours(1));
        assertTrue(uploader.flush(Duration.ofSeconds(10)));
        assertEquals("kept", object("pre/survivor.txt"));
    }
}
