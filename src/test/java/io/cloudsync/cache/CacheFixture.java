package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.JournalEntry;
import io.cloudsync.journal.Mutation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A volume cache over a real journal in a temporary directory, with helpers to read back what was journaled. */
final class CacheFixture implements AutoCloseable {

    final Path dataDir;
    final Journal journal;
    final VolumeCache cache;

    CacheFixture(Path tmp, boolean readOnly) throws IOException {
        this.dataDir = tmp.resolve("data");
        this.journal = Journal.open(tmp.resolve("journal"));
        this.cache = new VolumeCache(dataDir, journal, readOnly);
    }

    /** Every mutation journaled so far, in order. */
    List<Mutation> recorded() {
        return journal.pending().stream().map(JournalEntry::mutation).toList();
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static Mutation changed(String path) {
        return new Mutation.FileChanged(path);
    }

    static Mutation created(String path) {
        return new Mutation.FileCreated(path);
    }

    static Mutation renamed(String from, String to, boolean directory) {
        return new Mutation.Renamed(from, to, directory);
    }

    static Mutation dirChanged(String path) {
        return new Mutation.DirChanged(path);
    }

    static Mutation removed(String path) {
        return new Mutation.FileRemoved(path);
    }

    static Mutation dirCreated(String path) {
        return new Mutation.DirCreated(path);
    }

    static Mutation dirRemoved(String path) {
        return new Mutation.DirRemoved(path);
    }

    @Override
    public void close() throws IOException {
        cache.closeOpenFiles();
        journal.close();
    }
}
