package io.cloudsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Command;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.DockerHost;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.PluginSocket;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A database is the program that trusts fsync() most. SQLite commits 2000 transactions with synchronous=FULL on
 * a volume (each one a rollback journal created, fsync'd and deleted), the plugin is killed before any of it is
 * uploaded (a long writeback delay), and after dockerd restarts it every committed row must be there: in the
 * volume, and after a flush through the plugin socket, in the bucket as a database the host's sqlite3 can open.
 */
@WithDockerEngine
class SqliteCrashIT {

    private static final String BUCKET = "it-sqlite";
    private static final int TRANSACTIONS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        if (!DockerHost.hasImage(DockerHost.SQLITE_IMAGE)) {
            throw new AssertionError("the local image " + DockerHost.SQLITE_IMAGE + " is missing: scripts/setup.sh makes it");
        }
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("sqlite"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void everyCommittedRowSurvivesAKillAndReachesTheBucket(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        String volume = UniqueNames.of("sqlite-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "10m"));
        Containers.Run load = Containers.run(DockerHost.SQLITE_IMAGE, volume, """
                set -e
                sqlite3 /data/app.db 'PRAGMA journal_mode=DELETE; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL);'
                i=1
                { echo 'PRAGMA synchronous=FULL;'
                  while [ $i -le %d ]; do echo "BEGIN; INSERT INTO t(v) VALUES('row $i'); COMMIT;"; i=$((i + 1)); done
                } | sqlite3 /data/app.db
                echo "rows $(sqlite3 /data/app.db 'SELECT count(*) FROM t')"
                """.formatted(TRANSACTIONS)).assertSucceeded();
        assertTrue(load.stdout().contains("rows " + TRANSACTIONS), load::describe);
        long pending = Volumes.inspect(volume).path("Status").path("pending-files").asLong(-1);
        assertTrue(pending >= 1, "the database is no longer pending before the kill (" + pending + "): nothing to prove");

        Instant killedAt = Instant.now();
        List<Long> killed = plugin.killProcesses();
        plugin.awaitRestartedAfterKill(killed, killedAt, Duration.ofSeconds(90));

        Containers.Run check = Containers.run(DockerHost.SQLITE_IMAGE, volume, """
                set -e
                echo "integrity $(sqlite3 /data/app.db 'PRAGMA integrity_check')"
                echo "rows $(sqlite3 /data/app.db 'SELECT count(*) FROM t') last $(sqlite3 /data/app.db 'SELECT v FROM t ORDER BY id DESC LIMIT 1')"
                cd /data && sha256sum app.db && ls -a /data
                """).assertSucceeded();
        assertTrue(check.stdout().contains("integrity ok"), check::describe);
        assertTrue(check.stdout().contains("rows " + TRANSACTIONS + " last row " + TRANSACTIONS), check::describe);
        assertFalse(check.stdout().contains("app.db-journal"), "a hot journal was left: " + check.describe());
        Map<String, String> database = BucketChecks.parseSha256sum(check.stdout());

        PluginSocket.Response flush = PluginSocket.post(plugin.socketPath(), "/Cloudsync.Flush",
                "{\"Name\": \"" + volume + "\", \"TimeoutSeconds\": 120}");
        JsonNode answer = JSON.readTree(flush.body());
        assertEquals(200, flush.status(), flush.body());
        assertTrue(answer.path("Durable").asBoolean(), "the flush did not make the volume durable: " + flush.body());
        BucketChecks.awaitObjects(s3, BUCKET, volume, database, Duration.ofSeconds(5));
        assertFalse(s3.objectExists(BUCKET, volume + "/app.db-journal"), "the rollback journal was uploaded");

        Path copy = tmp.resolve("app.db");
        Files.write(copy, s3.readObject(BUCKET, volume + "/app.db"));
        String fromBucket = Command.of("sqlite3", copy.toString(), "PRAGMA integrity_check; SELECT count(*) FROM t;")
                .check().stdout();
        assertEquals(List.of("ok", String.valueOf(TRANSACTIONS)), fromBucket.lines().toList(), fromBucket);
        Volumes.removeWithCli(volume);
    }
}
