package io.cloudsync.writeback;

import io.cloudsync.store.FakeInMemoryObjectStore;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change to a file whose upload still waits in the queue goes without a journal record of its own (the waiting
 * upload reads the file when it starts): an fsync then costs no journal force, and nothing is lost, in the bucket
 * or across a crash.
 */
class WaitingUploadTest {

    private static final Duration LONG_DELAY = Duration.ofHours(1);

    @TempDir
    Path tmp;

    @Test
    void anFsyncWhileTheFilesUploadWaitsAddsNoRecordAndForcesNoJournal() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        try (VolumeUnderTest v = new VolumeUnderTest(tmp.resolve("v"), bucket, LONG_DELAY)) {
            long h = v.cache.create("/app.db", 0644, null, Set.of());
            v.cache.write(h, utf8("first commit;"), 0);
            v.cache.fsync(h, false);
            long forces = v.journal.syncForceCount();

            for (int commit = 2; commit <= 5; commit++) {
                v.cache.write(h, utf8(" commit " + commit + ";"), v.cache.attributes("/app.db").size());
                v.cache.fsync(h, false);
            }

            assertEquals(1, v.journal.pending().size(), "the creation's record stands for every later commit");
            assertEquals(forces, v.journal.syncForceCount(), "the later fsyncs forced the cache file only");
            v.cache.release(h);
            assertTrue(v.flush());
            assertEquals("first commit; commit 2; commit 3; commit 4; commit 5;", object(bucket, "pre/app.db"));
        }
    }

    @Test
    void aChangeFsyncedWhileItsUploadWaitedSurvivesACrash() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        Path crashed = tmp.resolve("crashed");
        try (VolumeUnderTest v = new VolumeUnderTest(tmp.resolve("v"), bucket, LONG_DELAY)) {
            v.write("app.db", "committed once");
            long h = v.cache.open("/app.db", Set.of(java.nio.file.StandardOpenOption.WRITE));
            v.cache.write(h, utf8("COMMITTED TWICE"), 0);
            v.cache.fsync(h, false);
            // What a crash now leaves: the cache and journal directories as they are, nothing uploaded.
            copyTree(tmp.resolve("v"), crashed);
            v.cache.release(h);
        }
        assertEquals(java.util.List.of(), bucket.keys(), "nothing was uploaded before the crash");

        try (VolumeUnderTest restarted = new VolumeUnderTest(crashed, bucket, Duration.ZERO)) {
            assertTrue(restarted.flush());
            assertEquals("COMMITTED TWICE", object(bucket, "pre/app.db"));
            assertTrue(restarted.journal.pending().isEmpty());
        }
    }

    @Test
    void aChangeWhileTheUploadIsSendingIsRecordedAndSentAgain() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (VolumeUnderTest v = new VolumeUnderTest(tmp.resolve("v"), holdsFirstUpload(bucket, sending, release),
                Duration.ZERO)) {
            v.write("app.db", "version 1");
            assertTrue(sending.await(10, TimeUnit.SECONDS), "the first upload is sending");
            long h = v.cache.open("/app.db", Set.of(java.nio.file.StandardOpenOption.WRITE));
            v.cache.write(h, utf8("version 2"), 0);
            v.cache.fsync(h, false);
            assertEquals(2, v.journal.pending().size(), "an upload that may have read the file does not cover the change");
            release.countDown();
            v.cache.release(h);
            assertTrue(v.flush());
            assertEquals("version 2", object(bucket, "pre/app.db"));
        }
    }

    @Test
    void aChangeToANameARenameInTheQueueReplacedIsRecorded() throws Exception {
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        try (VolumeUnderTest v = new VolumeUnderTest(tmp.resolve("v"), bucket, LONG_DELAY)) {
            v.write("b", "old b");
            v.write("a", "a, renamed over b");
            v.rename("a", "b");
            int before = v.journal.pending().size();
            long h = v.cache.open("/b", Set.of(java.nio.file.StandardOpenOption.WRITE));
            v.cache.write(h, utf8("B"), 0);
            v.cache.fsync(h, false);
            assertEquals(before + 1, v.journal.pending().size(), "the rename keeps the records after it in order");
            v.cache.release(h);
            assertTrue(v.flush());
            assertEquals(java.util.List.of("pre/b"), bucket.keys());
            assertEquals("B, renamed over b", object(bucket, "pre/b"));
        }
    }

    /** A store whose first file upload waits, "sending", until the test releases it. */
    private static ObjectStore holdsFirstUpload(FakeInMemoryObjectStore bucket, CountDownLatch sending,
                                                CountDownLatch release) {
        return (ObjectStore) Proxy.newProxyInstance(WaitingUploadTest.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putFile") && sending.getCount() > 0) {
                        sending.countDown();
                        if (!release.await(10, TimeUnit.SECONDS)) {
                            throw new StoreException.Transient("the test never released the upload", null);
                        }
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String object(FakeInMemoryObjectStore bucket, String key) {
        return new String(bucket.content(key).orElseThrow(() -> new AssertionError("no object " + key)),
                StandardCharsets.UTF_8);
    }

    /** cp -a: the cache's files keep their extended attributes, as they would on the disk after a crash. */
    private static void copyTree(Path from, Path to) throws IOException, InterruptedException {
        Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor(), "cp -a " + from + " " + to);
    }
}
