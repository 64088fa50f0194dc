package io.cloudsync.writeback;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.journal.Journal;
import io.cloudsync.store.ObjectStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A volume for write-back tests: the real cache directory and journal (so every operation is journaled exactly as
 * the FUSE layer's calls journal it) and an uploader over the given store, with prefix "pre".
 */
final class VolumeUnderTest implements AutoCloseable {

    final Path dataDir;
    final Path journalDir;
    final Journal journal;
    final VolumeCache cache;
    final Uploader uploader;

    VolumeUnderTest(Path root, ObjectStore store, Duration delay) throws IOException {
        this.dataDir = root.resolve("data");
        this.journalDir = root.resolve("journal");
        this.journal = Journal.open(journalDir);
        this.cache = new VolumeCache(dataDir, journal, false);
        this.uploader = new Uploader("vol", journal, store, "pre", cache::contentPath, delay, 4);
        cache.useWaitingUploads(uploader::postponeWaitingUpload);
        uploader.start();
    }

    /** Creates (or replaces the content of) a file, as a program's open-write-close does. */
    void write(String path, String content) throws IOException {
        long handle = Files.exists(dataDir.resolve(path))
                ? cache.open(path, Set.of(java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING))
                : cache.create(path, 0644, null, Set.of());
        cache.write(handle, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
        cache.release(handle);
    }

    void mkdir(String path) throws IOException {
        cache.mkdir(path, 0755, null);
    }

    void rename(String from, String to) throws IOException {
        cache.rename(from, to, false);
    }

    void unlink(String path) throws IOException {
        cache.unlink(path);
    }

    void rmdir(String path) throws IOException {
        cache.rmdir(path);
    }

    boolean flush() throws InterruptedException {
        return uploader.flush(Duration.ofSeconds(20));
    }

    /**
     * What the bucket must hold for this volume: every file as an object under "pre/" with its content, every
     * directory as a marker "pre/dir/".
     */
    Map<String, String> expectedObjects() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(dataDir)) {
                    expected.put("pre/" + dataDir.relativize(dir) + "/", "");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                expected.put("pre/" + dataDir.relativize(file), Files.readString(file));
                return FileVisitResult.CONTINUE;
            }
        });
        return expected;
    }

    @Override
    public void close() throws IOException {
        uploader.close();
        cache.closeOpenFiles();
        journal.close();
    }
}
