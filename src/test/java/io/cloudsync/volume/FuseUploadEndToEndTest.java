package io.cloudsync.volume;

import io.cloudsync.journal.Journal;
import io.cloudsync.testsupport.S3ProxyServer;
import io.cloudsync.writeback.Uploader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole data path on the host: real programs write into a FUSE-mounted volume, the journal records it, the
 * uploader puts it into a real S3 server (S3Proxy on loopback), byte for byte under the volume's prefix.
 */
@Tag("fuse")
class FuseUploadEndToEndTest {

    private static final String BUCKET = BucketVolume.BUCKET;
    private static final String PREFIX = "vol";

    @TempDir
    Path tmp;
    BucketVolume v;
    S3ProxyServer s3;
    Journal journal;
    Uploader uploader;
    Path mnt;

    @BeforeEach
    void start() throws IOException {
        v = BucketVolume.start(tmp, BucketVolume.Settings.defaults(PREFIX), s3 -> { });
        s3 = v.s3;
        journal = v.journal;
        uploader = v.uploader;
        mnt = v.mnt;
    }

    @AfterEach
    void stop() throws IOException {
        v.close();
    }

    private String sh(String script) throws IOException, InterruptedException {
        return v.sh(script);
    }

    private byte[] object(String rel) {
        return s3.readObject(BUCKET, PREFIX + "/" + rel);
    }

    @Test
    void whatProgramsWriteReachesTheBucketByteForByte() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 3];
        new Random(7).nextBytes(big);
        Path src = tmp.resolve("big.bin");
        Files.write(src, big);
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/one.txt"), "one\n");
        Files.writeString(tree.resolve("a/b/two.txt"), "two\n");
        Path archive = tmp.resolve("tree.tar");
        new ProcessBuilder("tar", "-cf", archive.toString(), "-C", tree.toString(), ".").start().waitFor();

        sh("cp " + src + " big.bin"
                + " && mkdir x && tar -xf " + archive + " -C x"
                + " && dd if=/dev/urandom of=dd.bin bs=64k count=8 conv=fsync 2>/dev/null"
                + " && echo first > log.txt && echo second >> log.txt"
                + " && mkdir empty"
                + " && echo gone > gone.txt && rm gone.txt"
                + " && echo moving > before.txt && mv before.txt after.txt");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());

        assertArrayEquals(big, object("big.bin"));
        assertEquals("one\n", new String(object("x/a/one.txt"), StandardCharsets.UTF_8));
        assertEquals("two\n", new String(object("x/a/b/two.txt"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(mnt.resolve("dd.bin")), object("dd.bin"));
        assertEquals("first\nsecond\n", new String(object("log.txt"), StandardCharsets.UTF_8));
        assertEquals("moving\n", new String(object("after.txt"), StandardCharsets.UTF_8));
        List<String> keys = s3.listKeys(BUCKET, PREFIX + "/");
        assertTrue(keys.contains(PREFIX + "/empty/"), () -> "an empty directory is a marker object: " + keys);
        assertFalse(keys.contains(PREFIX + "/gone.txt"), keys::toString);
        assertFalse(keys.contains(PREFIX + "/before.txt"), keys::toString);
        assertEquals(List.of(), journal.pending(), "everything uploaded is completed in the journal");
    }

    @Test
    void aDatabaseCommittedWithFullFsyncReachesTheBucketAsItsLastCommitLeftIt() throws Exception {
        int commits = 200;
        StringBuilder sql = new StringBuilder("PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        for (int i = 0; i < commits; i++) {
            sql.append("INSERT INTO t(v) VALUES('row ").append(i).append("');");
        }
        Files.writeString(tmp.resolve("load.sql"), sql);
        long forcesBefore = journal.syncForceCount();
        sh("sqlite3 app.db < " + tmp.resolve("load.sql"));
        long forces = journal.syncForceCount() - forcesBefore;
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());

        assertArrayEquals(Files.readAllBytes(mnt.resolve("app.db")), object("app.db"));
        assertEquals(List.of(PREFIX + "/app.db"), s3.listKeys(BUCKET, PREFIX + "/"), "the rollback journal is gone");
        // Each commit fsyncs its new rollback journal twice and the database once; only the journal's creation
        // needs a record of its own, the rest find their file's upload still waiting.
        assertTrue(forces < 2L * commits, () -> forces + " journal forces for " + commits + " commits");
    }

    @Test
    void aRenamedDirectoryTakesItsMarkerAlong() throws Exception {
        sh("mkdir w5 && for i in 0 1 2 3 4; do printf x > w5/f$i; done");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());
        sh("mv w5 w5r");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());
        List<String> keys = s3.listKeys(BUCKET, PREFIX + "/");
        assertEquals(List.of(PREFIX + "/w5r/", PREFIX + "/w5r/f0", PREFIX + "/w5r/f1", PREFIX + "/w5r/f2",
                PREFIX + "/w5r/f3", PREFIX + "/w5r/f4"), keys.stream().sorted().toList(),
                "the old directory's marker would show a directory the volume no longer has");
    }

    @Test
    void deletingEverythingLeavesNothingUnderThePrefix() throws Exception {
        sh("mkdir -p d0/e d1 empty && for i in 0 1 2; do printf x > d0/f$i; printf y > d0/e/g$i; printf z > d1/h$i; done");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());
        assertTrue(s3.listKeys(BUCKET, PREFIX + "/").contains(PREFIX + "/empty/"), "the test needs markers to remove");
        sh("rm -rf ./*");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());
        assertEquals(List.of(), s3.listKeys(BUCKET, PREFIX + "/"), "objects or markers left of a volume emptied with rm -rf");
    }

    @Test
    void afterARenameStormTheBucketEqualsTheVolume() throws Exception {
        sh("mkdir -p s/a s/b t/x/deep && for i in $(seq 0 39); do echo \"file $i\" > s/a/f$i; done"
                + " && for i in $(seq 0 9); do echo \"deep $i\" > t/x/deep/g$i; done");
        // Four writers move their own files back and forth; one moves a whole directory back and forth.
        sh("for k in 0 1 2 3; do ( for r in $(seq 1 15); do"
                + " for i in $(seq $((k*10)) $((k*10+9))); do mv s/a/f$i s/b/f$i; done;"
                + " for i in $(seq $((k*10)) $((k*10+9))); do mv s/b/f$i s/a/f$i; done;"
                + " done ) & done;"
                + " ( for r in $(seq 1 15); do mv t/x t/y && mv t/y t/x; done; mv t/x t/z ) & wait"
                + " && echo changed >> s/a/f7 && mv s/a/f8 s/b/f8");
        assertTrue(uploader.flush(Duration.ofSeconds(120)), () -> "still pending: " + uploader.status());

        java.util.TreeMap<String, String> volume = new java.util.TreeMap<>();
        try (var files = Files.walk(mnt)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                volume.put(PREFIX + "/" + mnt.relativize(f), Files.readString(f));
            }
        }
        java.util.TreeMap<String, String> bucket = new java.util.TreeMap<>();
        for (String key : s3.listKeys(BUCKET, PREFIX + "/")) {
            if (!key.endsWith("/")) {
                bucket.put(key, new String(s3.readObject(BUCKET, key), StandardCharsets.UTF_8));
            }
        }
        assertEquals(50, volume.size());
        assertEquals(volume, bucket);
        java.util.TreeSet<String> directories = new java.util.TreeSet<>();
        try (var dirs = Files.walk(mnt)) {
            dirs.filter(Files::isDirectory).filter(d -> !d.equals(mnt))
                    .forEach(d -> directories.add(PREFIX + "/" + mnt.relativize(d) + "/"));
        }
        java.util.TreeSet<String> markers = new java.util.TreeSet<>(s3.listKeys(BUCKET, PREFIX + "/"));
        markers.removeIf(k -> !k.endsWith("/"));
        assertEquals(directories, markers, "directory markers in the bucket, renamed directories included");
        assertTrue(volume.containsKey(PREFIX + "/t/z/deep/g3") && volume.containsKey(PREFIX + "/s/b/f8"), volume::toString);
        assertEquals(List.of(), journal.pending());
    }

    @Test
    void attributesChangedByProgramsReachTheObjectsUserMetadata() throws Exception {
        sh("mkdir private && chmod 0750 private && echo s > private/key && chmod 0600 private/key"
                + " && chown 1234:5678 private/key && touch -m -d @1700000000 private/key"
                + " && ln -s key private/link");
        assertTrue(uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + uploader.status());

        Map<String, String> file = s3.objectMetadata(BUCKET, PREFIX + "/private/key").orElseThrow();
        assertEquals(String.valueOf(0100600), file.get("mode"), file.toString());
        assertEquals("1234", file.get("uid"));
        assertEquals("5678", file.get("gid"));
        assertEquals("1700000000", file.get("mtime"));
        Map<String, String> dir = s3.objectMetadata(BUCKET, PREFIX + "/private/").orElseThrow();
        assertEquals(String.valueOf(040750), dir.get("mode"), dir.toString());
        assertEquals("key", new String(object("private/link"), StandardCharsets.UTF_8));
        assertEquals(String.valueOf(0120777), s3.objectMetadata(BUCKET, PREFIX + "/private/link").orElseThrow().get("mode"));
    }
}
