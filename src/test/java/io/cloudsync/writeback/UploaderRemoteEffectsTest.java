package io.cloudsync.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;
import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Call;
import io.cloudsync.store.FakeFaultInjectingObjectStore.Operation;
import io.cloudsync.store.FakeInMemoryObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the uploader sends for records whose file is gone or was never uploaded, and over objects it has no version
 * of: the bucket never keeps a name the volume no longer has, and changes replayed after a restart are taken as
 * possibly uploaded.
 */
class UploaderRemoteEffectsTest {

    @TempDir
    Path tmp;
    FakeInMemoryObjectStore bucket;
    FakeFaultInjectingObjectStore store;

    @BeforeEach
    void open() {
        bucket = new FakeInMemoryObjectStore("bkt");
        store = new FakeFaultInjectingObjectStore(bucket);
    }

    private String object(String key) {
        return new String(bucket.content(key).orElseThrow(() -> new AssertionError("no object " + key)),
                StandardCharsets.UTF_8);
    }

    @Test
    void anUploadWhoseFileStaysGoneDeletesItsObject() throws Exception {
        bucket.putBytes("pre/ghost.txt", "uploaded earlier".getBytes(StandardCharsets.UTF_8), Map.of());
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Journal journal = Journal.open(tmp.resolve("journal"))) {
            Uploader uploader = new Uploader("vol", journal, store, "pre", data::resolve, Duration.ZERO, 2);
            uploader.start();
            try {
                // The record of a change whose file is gone, and no record of its removal ever comes.
                journal.record(new Mutation.FileChanged("ghost.txt"));
                assertTrue(uploader.flush(Duration.ofSeconds(20)), () -> "still pending: " + uploader.status());
                assertEquals(List.of(), bucket.keys(), "the bucket keeps no name the volume does not have");
                assertTrue(journal.pending().isEmpty());
            } finally {
                uploader.close();
            }
        }
    }

    @Test
    void aFileCreatedAndRemovedBeforeARestartIsDeletedRemotelyInCaseItWasUploaded() throws Exception {
        VolumeUnderTest volume = new VolumeUnderTest(tmp, store, Duration.ofHours(1));
        volume.write("scratch.tmp", "short-lived");
        volume.unlink("scratch.tmp");
        volume.journal.sync();
        volume.close(); // nothing was due yet: both records wait in the journal

        volume = new VolumeUnderTest(tmp, store, Duration.ofHours(1));
        try {
            assertTrue(volume.flush());
        } finally {
            volume.close();
        }
        assertEquals(List.of(new Call(Operation.DELETE, "pre/scratch.tmp")), store.calls(),
                "replayed records may have been uploaded before the restart: the object is deleted, nothing uploaded");
    }

    @Test
    void aChangedFileWithNoKnownVersionIsUploadedOverTheObjectAtItsName() throws Exception {
        bucket.putBytes("pre/old.txt", "in the bucket".getBytes(StandardCharsets.UTF_8), Map.of());
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Journal journal = Journal.open(tmp.resolve("journal"))) {
            Uploader uploader = new Uploader("vol", journal, store, "pre", data::resolve, Duration.ZERO, 2);
            uploader.start();
            try {
                Files.writeString(data.resolve("old.txt"), "changed here");
                journal.record(new Mutation.FileChanged("old.txt"));
                assertTrue(uploader.flush(Duration.ofSeconds(20)));
                assertEquals("changed here", object("pre/old.txt"));
                assertEquals(List.of("pre/old.txt"), bucket.keys(), "no conflict copy");
                assertEquals(0, uploader.status().conflicts());
            } finally {
                uploader.close();
            }
        }
    }

    @Test
    void anEmptyPrefixPutsTheVolumeAtTheRootOfTheBucket() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data/dir"));
        try (Journal journal = Journal.open(tmp.resolve("journal"))) {
            Uploader uploader = new Uploader("vol", journal, store, "", tmp.resolve("data")::resolve, Duration.ZERO, 2);
            uploader.start();
            try {
                Files.writeString(data.resolve("b.txt"), "at the root");
                journal.record(new Mutation.DirCreated("dir"));
                journal.record(new Mutation.FileCreated("dir/b.txt"));
                assertTrue(uploader.flush(Duration.ofSeconds(20)));
                assertEquals(List.of("dir/", "dir/b.txt"), bucket.keys());
                assertEquals("at the root", object("dir/b.txt"));
            } finally {
                uploader.close();
            }
        }
    }
}
