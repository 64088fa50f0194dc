package io.cloudsync.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs users put in containers, on a mounted volume: a tar of thousands of files, SQLite, fio with
 * verification, git. Each checks its own work (diff, integrity_check, fio's verify, git fsck).
 */
@Tag("fuse")
class FuseWorkloadsTest {

    @TempDir
    Path tmp;
    MountedVolume v;

    @BeforeEach
    void mount() throws IOException {
        v = new MountedVolume(tmp, false);
    }

    @AfterEach
    void unmount() throws IOException {
        v.close();
    }

    @Test
    void aTarOfThousandsOfFilesExtractsIdentical() throws IOException {
        Path tree = tmp.resolve("tree");
        for (int d = 0; d < 30; d++) {
            Path dir = Files.createDirectories(tree.resolve("d" + d).resolve("sub"));
            for (int f = 0; f < 100; f++) {
                Files.writeString((f % 2 == 0 ? dir : dir.getParent()).resolve("f" + f + ".txt"), "file " + d + "/" + f + "\n".repeat(f));
            }
        }
        Path archive = tmp.resolve("tree.tar");
        v.run("tar", "-cf", archive.toString(), "-C", tree.toString(), ".");
        v.sh("mkdir x && tar -xf " + archive + " -C x");
        assertEquals("", v.run("diff", "-r", tree.toString(), v.mnt.resolve("x").toString()));
        assertEquals("3000", v.sh("find x -type f | wc -l").trim());
    }

    @Test
    void sqliteCommitsAndPassesItsIntegrityCheck() throws IOException {
        StringBuilder sql = new StringBuilder("PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        for (int i = 0; i < 300; i++) {
            sql.append("BEGIN; INSERT INTO t(v) VALUES('row ").append(i).append("'); COMMIT;");
        }
        sql.append("UPDATE t SET v = v || '!' WHERE id % 7 = 0; DELETE FROM t WHERE id % 11 = 0; VACUUM;");
        Files.writeString(tmp.resolve("load.sql"), sql);
        v.sh("sqlite3 app.db < " + tmp.resolve("load.sql"));
        assertEquals("ok\n273\n", v.run("sqlite3", "app.db", "PRAGMA integrity_check; SELECT count(*) FROM t;"));
        assertEquals("ok\n", v.run("sqlite3", "-cmd", "PRAGMA journal_mode=WAL;", "app.db", "PRAGMA integrity_check;")
                .replace("wal\n", ""));
    }

    @Test
    void fioRandomWritesVerifyByteForByte() throws IOException {
        String out = v.run("fio", "--name=verify", "--filename=fio.dat", "--size=16m", "--rw=randwrite", "--bs=4k",
                "--ioengine=psync", "--verify=crc32c", "--verify_fatal=1", "--do_verify=1", "--fsync=64",
                "--output-format=terse");
        assertTrue(out.startsWith("3;"), out);
        String[] fields = out.trim().split(";");
        assertEquals("0", fields[4], "fio reported an error: " + out);
    }

    @Test
    void gitCommitsAndFsckFindsNothingWrong() throws IOException {
        v.sh("git init -q repo && cd repo && git config user.email t@example.invalid && git config user.name t"
                + " && for i in 1 2 3 4 5; do echo \"line $i\" >> notes.txt && mkdir -p d$i && echo $i > d$i/f"
                + " && git add -A && git commit -q -m \"commit $i\"; done"
                + " && git mv d1 moved && git commit -q -m moved && git gc -q");
        assertEquals("", v.sh("cd repo && git fsck --full --strict 2>&1"));
        assertEquals("6", v.sh("cd repo && git rev-list --count HEAD").trim());
        assertEquals("", v.sh("cd repo && git status --porcelain"));
    }
}
