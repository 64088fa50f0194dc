package io.cloudsync.store;

import static io.cloudsync.store.FakeFaultInjectingObjectStore.Operation.COPY;
import static io.cloudsync.store.FakeFaultInjectingObjectStore.Operation.DELETE;
import static io.cloudsync.store.FakeFaultInjectingObjectStore.Operation.LIST_DIRECTORY;
import static io.cloudsync.store.FakeFaultInjectingObjectStore.Operation.PUT_BYTES;
import static io.cloudsync.store.FakeFaultInjectingObjectStore.Operation.STAT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.store.FakeFaultInjectingObjectStore.Call;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fault-injecting fake does what tests of retries and ordering need from it. */
class FakeFaultInjectingObjectStoreTest {

    private final FakeInMemoryObjectStore memory = new FakeInMemoryObjectStore("b");
    private final FakeFaultInjectingObjectStore store = new FakeFaultInjectingObjectStore(memory);

    @Test
    void failsTheNextCallsThenPassesThrough() throws Exception {
        store.failNext(2, FakeFaultInjectingObjectStore.transientError("network down"));
        assertThrows(StoreException.Transient.class, () -> store.putBytes("k", new byte[1], Map.of()));
        assertThrows(StoreException.Transient.class, () -> store.stat("k"));
        store.putBytes("k", new byte[1], Map.of());
        assertEquals(List.of("k"), memory.keys());
        assertEquals(2, store.calls(PUT_BYTES));
        assertEquals(1, store.calls(STAT));
    }

    @Test
    void failsCallsOnOneKeyUntilCleared() throws Exception {
        store.failKey("bad", FakeFaultInjectingObjectStore.permanentError("denied"));
        store.putBytes("good", new byte[1], Map.of());
        assertThrows(StoreException.Permanent.class, () -> store.putBytes("bad", new byte[1], Map.of()));
        assertThrows(StoreException.Permanent.class, () -> store.copy("good", "bad"));
        store.clearFaults();
        store.copy("good", "bad");
        assertEquals(List.of("bad", "good"), memory.keys());
    }

    @Test
    void recordsCallsInOrder() throws Exception {
        store.putBytes("old", new byte[1], Map.of());
        store.copy("old", "new");
        store.delete("old");
        assertEquals(List.of(new Call(PUT_BYTES, "old"), new Call(COPY, "old", "new"), new Call(DELETE, "old")),
                store.calls());
    }

    @Test
    void directoryListingsAreRecordedAndCanFail() throws Exception {
        store.putBytes("d/f", new byte[1], Map.of());
        store.failOperation(LIST_DIRECTORY, FakeFaultInjectingObjectStore.transientError("timeout"));
        assertThrows(StoreException.Transient.class, () -> store.listDirectory("d/"));
        store.clearFaults();
        assertEquals(List.of("d"), store.listDirectory("").subdirectories());
        assertEquals(List.of(new Call(LIST_DIRECTORY, "d/"), new Call(LIST_DIRECTORY, "")),
                store.calls().stream().filter(c -> c.operation() == LIST_DIRECTORY).toList());
    }

    @Test
    void blocksCallsUntilReleased() throws Exception {
        store.block(call -> call.operation() == PUT_BYTES);
        var upload = CompletableFuture.runAsync(() -> {
            try {
                store.putBytes("slow", new byte[1], Map.of());
            } catch (StoreException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> store.blockedCalls() == 1);
        assertTrue(store.stat("slow").isEmpty(), "other operations pass; the upload has not happened");
        store.release();
        upload.get(5, TimeUnit.SECONDS);
        assertEquals(0, store.blockedCalls());
        assertTrue(memory.content("slow").isPresent());
    }
}
