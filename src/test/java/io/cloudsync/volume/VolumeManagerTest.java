package io.cloudsync.volume;

import io.cloudsync.api.VolumeInfo;
import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeInMemoryObjectStore;
import io.cloudsync.store.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restart logic is tested by opening a new manager over the same state directory, like rclone's driver test. */
class VolumeManagerTest {

    @TempDir
    Path tmp;
    private final Map<String, FakeInMemoryObjectStore> buckets = new HashMap<>();
    private FakeMounter mounter;
    private VolumeManager manager;

    @BeforeEach
    void start() throws Exception {
        buckets.put("bkt", new FakeInMemoryObjectStore("bkt"));
        restart();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private void restart() throws Exception {
        if (manager != null) {
            manager.close();
        }
        mounter = new FakeMounter();
        manager = VolumeManager.start(tmp.resolve("state"), tmp.resolve("mnt"), "", this::store, mounter);
    }

    /** Each open gets its own view of the shared bucket, closed independently, like a real client. */
    private ObjectStore store(String bucket) {
        FakeInMemoryObjectStore b = buckets.computeIfAbsent(bucket, n -> new FakeInMemoryObjectStore(n, false, java.time.Clock.systemUTC()));
        FakeFaultInjectingObjectStore store = new FakeFaultInjectingObjectStore(b);
        store.setLatency(storeLatency);
        store.failWhen(c -> storeDown.get() && c.operation() == FakeFaultInjectingObjectStore.Operation.PUT_FILE,
                Integer.MAX_VALUE, FakeFaultInjectingObjectStore.transientError("store is down"));
        return store;
    }

    /** While set, every upload fails as a transient error of the store. */
    private final java.util.concurrent.atomic.AtomicBoolean storeDown = new java.util.concurrent.atomic.AtomicBoolean();

    private Duration storeLatency = Duration.ZERO;

    private Path dataDir(String volume) {
        return tmp.resolve("state/volumes").resolve(volume).resolve("data");
    }

    @Test
    void createIsIdempotentAndOtherOptionsAreRefused() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        manager.create("v", Map.of("bucket", "bkt"));
        assertEquals(1, manager.list().size());
        Exception e = assertThrows(Exception.class, () -> manager.create("v", Map.of("bucket", "bkt", "prefix", "other")));
        assertTrue(e.getMessage().contains("already exists with other options"), e.getMessage());
    }

    @Test
    void aMissingBucketIsNamedOrCreatedOnRequest() throws Exception {
        Exception e = assertThrows(Exception.class, () -> manager.create("v", Map.of("bucket", "nope")));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("create-bucket=true"), e.getMessage());
        manager.create("v", Map.of("bucket", "nope", "create-bucket", "true"));
        assertTrue(buckets.get("nope").bucketExists());
    }

    @Test
    void badOptionsGetTheValidationMessage() {
        Exception e = assertThrows(Exception.class, () -> manager.create("v", Map.of("bucket", "bkt", "size", "1")));
        assertTrue(e.getMessage().contains("unknown option 'size'"), e.getMessage());
    }

    @Test
    void mountsAreCountedByIdAndSurviveARestart() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        String mp = manager.mount("v", "c1");
        assertEquals(tmp.resolve("mnt/v").toString(), mp);
        manager.mount("v", "c2");
        manager.mount("v", "c2");
        assertEquals(1, mounter.live.get(), "one FUSE mount serves every container");
        manager.unmount("v", "c1");
        assertEquals(mp, manager.path("v"), "still mounted for c2");

        restart();
        assertEquals(1, mounter.live.get(), "a volume Docker still holds is mounted again at start");
        assertEquals(mp, manager.path("v"));
        manager.unmount("v", "c2");
        assertEquals(0, mounter.live.get());
        assertEquals("", manager.path("v"));
    }

    @Test
    void removeOfAMountedVolumeIsRefusedAndOfAnUnmountedOneKeepsTheObjects() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "0"));
        manager.mount("v", "c1");
        Exception e = assertThrows(Exception.class, () -> manager.remove("v"));
        assertTrue(e.getMessage().contains("in use by 1 container mount"), e.getMessage());
        manager.unmount("v", "c1");
        manager.remove("v");
        assertTrue(manager.list().isEmpty());
        assertTrue(!Files.exists(dataDir("v")), "local state is gone");
    }

    @Test
    void mountsLeftFromBeforeACrashDoNotBlockARemoveForever() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        manager.mount("v", "lost");
        // The plugin dies; Docker's release of "lost" never arrives. After the restart Docker asks to remove.
        restart();
        assertEquals(1, mounter.live.get());
        manager.remove("v");
        assertTrue(manager.list().isEmpty());
        assertEquals(0, mounter.live.get(), "the inherited mount was stopped");
    }

    @Test
    void aMountGivenAfterTheRestartStillBlocksRemove() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        manager.mount("v", "old");
        restart();
        manager.mount("v", "new");
        Exception e = assertThrows(Exception.class, () -> manager.remove("v"));
        assertTrue(e.getMessage().contains("in use by 1 container mount"), e.getMessage());
    }

    @Test
    void pendingUploadsResumeAfterARestartAndStatusShowsThem() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "1h"));
        manager.mount("v", "c1");
        Path f = dataDir("v").resolve("kept.txt");
        Files.writeString(f, "survives");
        // What the FUSE layer does at close: record the change in the volume's journal.
        VolumeManagerTestAccess.journalOf(manager, "v").record(new io.cloudsync.journal.Mutation.FileChanged("kept.txt"));
        VolumeInfo info = manager.get("v");
        assertEquals(1L, info.status().get("pending-files"));
        assertEquals(8L, info.status().get("pending-bytes"));

        restart();
        assertTrue(manager.flush("v", Duration.ofSeconds(10).toMillis()).durable());
        assertEquals("survives", new String(buckets.get("bkt").content("v/kept.txt").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(0L, manager.get("v").status().get("pending-files"));
    }

    @Test
    void shutdownUploadsEveryVolumeAtOnceWithinTheGrace() throws Exception {
        storeLatency = Duration.ofMillis(1500);
        restart();
        for (String v : new String[] {"a", "b", "c"}) {
            manager.create(v, Map.of("bucket", "bkt", "writeback-delay", "1h"));
            Files.writeString(dataDir(v).resolve("f.txt"), v);
            VolumeManagerTestAccess.journalOf(manager, v).record(new io.cloudsync.journal.Mutation.FileChanged("f.txt"));
        }
        // One upload takes 1.5 s: one after the other, three would need 4.5 s; together they fit in 3 s.
        manager.shutdown(Duration.ofSeconds(3));
        for (String v : new String[] {"a", "b", "c"}) {
            assertEquals(v, new String(buckets.get("bkt").content(v + "/f.txt").orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void unknownVolumesGetAClearError() {
        Exception e = assertThrows(Exception.class, () -> manager.mount("ghost", "c1"));
        assertEquals("no such volume: 'ghost'", e.getMessage());
    }

    @Test
    void theStatusSaysWhereTheDataGoes() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        String status = manager.get("v").status().toString();
        assertTrue(status.contains("bucket=bkt") && status.contains("prefix=v"), status);
    }

    /** What the FUSE layer does when a program closes a file it wrote: the data in the cache, the change journaled. */
    private void writeAndClose(String volume, String rel, String content) throws Exception {
        Files.writeString(dataDir(volume).resolve(rel), content);
        VolumeManagerTestAccess.journalOf(manager, volume).record(new io.cloudsync.journal.Mutation.FileChanged(rel));
    }

    @Test
    void removingAVolumeDeletesItsLocalStateAndKeepsItsObjects() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "0"));
        manager.mount("v", "c1");
        writeAndClose("v", "kept.txt", "stays in the bucket");
        assertTrue(manager.flush("v", Duration.ofSeconds(10).toMillis()).durable());
        manager.unmount("v", "c1");

        manager.remove("v");

        assertEquals("stays in the bucket",
                new String(buckets.get("bkt").content("v/kept.txt").orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(!Files.exists(tmp.resolve("state/volumes/v")), "cache and journal are gone");
    }

    @Test
    void uploadsGoOnAfterTheLastContainerUnmounted() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "100ms"));
        manager.mount("v", "c1");
        writeAndClose("v", "late.txt", "written just before the container exited");
        manager.unmount("v", "c1");
        assertEquals(0, mounter.live.get());

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> buckets.get("bkt").content("v/late.txt").isPresent());
    }

    @Test
    void aRepeatedUnmountOfTheSameIdChangesNothing() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        String mp = manager.mount("v", "c1");
        manager.mount("v", "c2");
        manager.unmount("v", "c1");
        manager.unmount("v", "c1");
        assertEquals(1, mounter.live.get(), "c2 still holds the volume");
        assertEquals(mp, manager.path("v"));
        assertEquals(1, manager.get("v").status().get("mounts"));
        manager.unmount("v", "c2");
        assertEquals(0, mounter.live.get());
    }

    @Test
    void theStatusShowsWhereTheDataGoesAndWhatIsPending() throws Exception {
        manager.create("v", Map.of("bucket", "bkt"));
        Map<String, Object> status = manager.get("v").status();
        for (String key : List.of("bucket", "prefix", "endpoint", "writeback-delay", "cache-max-size", "read-only",
                "mounts", "pending-files", "pending-bytes", "oldest-pending-age", "last-error", "last-upload",
                "uploads-completed")) {
            assertTrue(status.containsKey(key), () -> key + " missing from " + status);
        }
        assertTrue(!status.containsKey("conflicts") && !status.containsKey("journal-problems"),
                () -> "shown only once there is something to say: " + status);
    }

    @Test
    void removingAVolumeWithChangesThatCannotBeUploadedFailsAndRemovesNothing() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "0"));
        storeDown.set(true);
        writeAndClose("v", "a.txt", "not uploaded");
        writeAndClose("v", "b.txt", "not uploaded either");

        Exception e = assertThrows(Exception.class, () -> manager.remove("v")); // waits up to 50 s first
        assertTrue(e.getMessage().contains("still has 2 change(s) not uploaded"), e.getMessage());
        assertEquals(1, manager.list().size());
        assertEquals("not uploaded", Files.readString(dataDir("v").resolve("a.txt")));

        storeDown.set(false);
        assertTrue(manager.flush("v", Duration.ofSeconds(30).toMillis()).durable(), "the changes still go up");
        assertTrue(buckets.get("bkt").content("v/b.txt").isPresent());
    }

    @Test
    void journalDamageFoundAtStartIsShownInTheStatus() throws Exception {
        manager.create("v", Map.of("bucket", "bkt", "writeback-delay", "1h"));
        for (String name : List.of("aaaaa", "bbbbb", "ccccc")) {
            writeAndClose("v", name, name);
        }
        VolumeManagerTestAccess.journalOf(manager, "v").sync();
        manager.close();
        Path segment;
        try (var files = Files.list(tmp.resolve("state/volumes/v/journal"))) {
            segment = files.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        // A byte inside the path of the second record (the layout JournalTest's checksum test uses).
        bytes[8 + 24 + 8 + 1 + 8 + 2] ^= 0x55;
        Files.write(segment, bytes);

        restart();
        Map<String, Object> status = manager.get("v").status();
        Object problems = status.get("journal-problems");
        assertTrue(problems != null && problems.toString().contains("checksum mismatch"), () -> "status: " + status);
    }
}
