package io.cloudsync.writeback;

import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Call;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Operation;
import io.cloudsync.store.FakeInMemoryObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renames and deletes reach the bucket in an order that never loses or resurrects anything, and cost as little
 * remote work as they can: a rename is a server-side copy and a delete, a directory rename moves every object under
 * it, and a file deleted before it was ever uploaded costs nothing remote.
 */
class UploaderOrderTest {

    @TempDir
    Path tmp;
    private FakeInMemoryObjectStore bucket;
    private FakeFaultInjectingObjectStore store;
    private VolumeUnderTest volume;

    @BeforeEach
    void open() throws IOException {
        bucket = new FakeInMemoryObjectStore("bkt");
        store = new FakeFaultInjectingObjectStore(bucket);
        // A delay far beyond the test: nothing moves before a flush, so each test controls what is uploaded when.
        volume = new VolumeUnderTest(tmp, store, Duration.ofHours(1));
    }

    @AfterEach
    void close() throws IOException {
        volume.close();
    }

    private Map<String, String> objects() {
        Map<String, String> out = new TreeMap<>();
        for (String key : bucket.keys()) {
            out.put(key, new String(bucket.content(key).orElseThrow(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private void flushAndCheck() throws Exception {
        assertTrue(volume.flush(), "flush finished");
        assertEquals(volume.expectedObjects(), objects(), "the bucket equals the volume");
        assertTrue(volume.journal.pending().isEmpty(), "journal empty: " + volume.journal.pending());
    }

    private List<Operation> operationsSinceMark(int mark) {
        return store.calls().subList(mark, store.calls().size()).stream().map(Call::operation).toList();
    }

    @Test
    void renameOfAnUploadedFileIsAServerSideCopyThenADelete() throws Exception {
        volume.write("a.txt", "content");
        flushAndCheck();
        int mark = store.calls().size();

        volume.rename("a.txt", "b.txt");
        flushAndCheck();

        assertEquals(List.of(Operation.COPY, Operation.DELETE), operationsSinceMark(mark),
                "no upload of the data again: " + store.calls());
    }

    @Test
    void aFileCreatedThenDeletedBeforeItsUploadCostsNothingRemote() throws Exception {
        volume.write("scratch.tmp", "short-lived");
        volume.unlink("scratch.tmp");
        volume.mkdir("tmpdir");
        volume.rmdir("tmpdir");
        flushAndCheck();

        assertEquals(List.of(), store.calls());
    }

    @Test
    void aNeverUploadedFileThatIsRenamedIsUploadedOnceUnderItsNewName() throws Exception {
        volume.write("draft", "text");
        volume.rename("draft", "final");
        flushAndCheck();

        assertEquals(List.of(new Call(Operation.PUT_FILE, "pre/final")), store.calls());
    }

    @Test
    void aDeletedUploadedFileIsDeletedRemotely() throws Exception {
        volume.write("old.txt", "x");
        flushAndCheck();
        volume.unlink("old.txt");
        flushAndCheck();
        assertEquals(1, store.calls(Operation.DELETE));
    }

    @Test
    void aDirectoryRenameMovesEveryObjectUnderItByServerSideCopies() throws Exception {
        volume.mkdir("src");
        volume.mkdir("src/sub");
        volume.mkdir("src/sub/empty");
        volume.write("src/top.txt", "1");
        volume.write("src/sub/deep.txt", "2");
        flushAndCheck();
        int mark = store.calls().size();

        volume.rename("src", "dst");
        flushAndCheck();

        List<Operation> ops = operationsSinceMark(mark);
        assertEquals(5, ops.stream().filter(Operation.COPY::equals).count(), "3 markers and 2 files: " + ops);
        assertEquals(5, ops.stream().filter(Operation.DELETE::equals).count(), ops.toString());
        assertTrue(ops.lastIndexOf(Operation.COPY) < ops.indexOf(Operation.DELETE),
                "every copy exists before any old object is deleted: " + ops);
        assertTrue(!ops.contains(Operation.PUT_FILE), "no data uploaded again: " + ops);
    }

    @Test
    void aDirectoryRenameCopiesSeveralObjectsAtOnceAndDeletesNothingBeforeEveryCopyIsIn() throws Exception {
        volume.mkdir("src");
        for (int i = 0; i < 20; i++) {
            volume.write("src/f" + i, "content " + i);
        }
        flushAndCheck();
        int mark = store.calls().size();
        store.block(c -> c.operation() == Operation.COPY && !c.key().endsWith("/"));

        volume.rename("src", "dst");
        var flushed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return volume.flush();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await("copies under way at once").atMost(Duration.ofSeconds(10))
                .until(() -> store.blockedCalls() >= StoreWriter.PARALLEL_MOVES);
        assertEquals(StoreWriter.PARALLEL_MOVES, store.blockedCalls(), "no more at once than that");
        assertTrue(!operationsSinceMark(mark).contains(Operation.DELETE), "nothing deleted while copies wait");
        store.release();

        assertTrue(flushed.get(20, java.util.concurrent.TimeUnit.SECONDS), "flush finished");
        assertEquals(volume.expectedObjects(), objects(), "the bucket equals the volume");
        List<Operation> ops = operationsSinceMark(mark);
        assertEquals(21, ops.stream().filter(Operation.DELETE::equals).count(), "20 files and the marker: " + ops);
        assertTrue(ops.lastIndexOf(Operation.COPY) < ops.indexOf(Operation.DELETE),
                "every copy exists before any old object is deleted: " + ops);
    }

    @Test
    void aChangeJustBeforeARenameReachesTheNewNameAndIsNotOverwrittenByTheCopy() throws Exception {
        volume.write("a", "v1");
        flushAndCheck();
        volume.write("a", "v2");
        volume.rename("a", "b");
        flushAndCheck();
    }

    @Test
    void aFileDeletedInADirectoryBeforeItIsRenamedIsNotResurrectedUnderTheNewName() throws Exception {
        volume.mkdir("d");
        volume.write("d/gone", "deleted before the rename");
        volume.write("d/kept", "kept");
        flushAndCheck();
        volume.unlink("d/gone");
        volume.rename("d", "e");
        flushAndCheck();
    }

    @Test
    void aNewFileUnderTheOldNameIsNotMovedByTheEarlierRename() throws Exception {
        volume.write("log", "first");
        flushAndCheck();
        volume.rename("log", "log.1");
        volume.write("log", "second");
        flushAndCheck();
    }

    @Test
    void chainedAndSwappingRenamesEndAsTheVolumeEnds() throws Exception {
        volume.write("a", "A");
        volume.write("b", "B");
        volume.mkdir("x");
        volume.write("x/f", "F");
        flushAndCheck();
        volume.rename("a", "tmp");
        volume.rename("b", "a");
        volume.rename("tmp", "b");
        volume.rename("x", "y");
        volume.rename("y", "z");
        volume.write("z/f", "F2");
        volume.rename("b", "z/b");
        flushAndCheck();
    }

    @Test
    void aRenameOverAnExistingFileReplacesItsObject() throws Exception {
        volume.write("config", "old");
        flushAndCheck();
        volume.write("config.new", "new");
        volume.rename("config.new", "config"); // what editors and package managers do
        flushAndCheck();
    }

    @Test
    void aFailingCopyIsRetriedAndNothingIsDeletedBeforeItSucceeds() throws Exception {
        volume.write("a", "precious");
        flushAndCheck();
        store.failWhen(c -> c.operation() == Operation.COPY, 2,
                FakeFaultInjectingObjectStore.transientError("copy refused"));
        volume.rename("a", "b");
        assertTrue(volume.flush());
        assertEquals(volume.expectedObjects(), objects());
        List<Operation> ops = store.calls().stream().map(Call::operation).toList();
        assertEquals(Operation.DELETE, ops.getLast(), "the delete came only after the copy worked: " + ops);
        assertEquals(1, ops.stream().filter(Operation.DELETE::equals).count(), ops.toString());
    }

    @Test
    void renamesReplayedAfterARestartFinishTheMove() throws Exception {
        volume.mkdir("dir");
        volume.write("dir/one", "1");
        volume.write("dir/two", "2");
        flushAndCheck();
        volume.rename("dir", "moved");
        volume.journal.sync();
        volume.close();

        volume = new VolumeUnderTest(tmp, store, Duration.ofHours(1));
        flushAndCheck();
    }
}
