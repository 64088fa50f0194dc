package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main promise, through the real engine: a container writes into a cloudsync volume, the files arrive in
 * the bucket byte for byte, a second container reads them back, and "docker volume inspect" says where the data
 * goes without ever showing the secret key, which the plugin's log never shows either.
 */
@WithDockerEngine
class VolumeRoundTripIT {

    /** Files and nested directories, one of a few MiB, with the digests printed for the test to compare. */
    private static final String WRITE_SCRIPT = """
            set -e
            cd /data
            echo 'hello from a container' > hello.txt
            mkdir -p dir/sub/deeper emptydir
            printf 'nested file\\n' > dir/sub/deeper/nested.txt
            dd if=/dev/urandom of=dir/big.bin bs=1048576 count=5 2>/dev/null
            seq 1 20000 > dir/sub/numbers.txt
            sha256sum hello.txt dir/sub/deeper/nested.txt dir/big.bin dir/sub/numbers.txt
            """;

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("roundtrip"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void whatAContainerWritesReachesTheBucketAndASecondContainerReadsIt() {
        String bucket = "it-roundtrip-data";
        s3.createBucket(bucket);
        String volume = UniqueNames.of("roundtrip-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", bucket));

        Containers.Run writer = Containers.run(volume, WRITE_SCRIPT).assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        assertEquals(4, written.size(), () -> "the writer printed no digest for every file: " + writer.describe());

        // The prefix defaults to the volume name: file a/b is object VOLUME/a/b.
        BucketChecks.awaitObjects(s3, bucket, volume, written);
        await("empty directory marker " + volume + "/emptydir/").atMost(BucketChecks.UPLOAD_DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> s3.objectExists(bucket, volume + "/emptydir/"));

        Containers.Run reader = Containers.run(volume, """
                set -e
                cd /data
                sha256sum hello.txt dir/sub/deeper/nested.txt dir/big.bin dir/sub/numbers.txt
                test -d emptydir && echo 'emptydir is a directory'
                """).assertSucceeded();
        assertEquals(written, BucketChecks.parseSha256sum(reader.stdout()), reader::describe);
        assertTrue(reader.stdout().contains("emptydir is a directory"), reader::describe);
    }

    @Test
    void inspectShowsWhereTheDataGoesAndWhatIsPendingButNeverTheSecret() {
        String bucket = "it-roundtrip-inspect";
        s3.createBucket(bucket);
        String volume = UniqueNames.of("inspect-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", bucket, "prefix", "team/inspect"));
        Containers.run(volume, "echo data > /data/file.txt").assertSucceeded();

        JsonNode inspected = Volumes.inspect(volume);
        JsonNode status = inspected.path("Status");
        assertEquals(plugin.driverName(), inspected.path("Driver").asText(), inspected::toPrettyString);
        assertEquals(bucket, status.path("bucket").asText(), inspected::toPrettyString);
        assertEquals("team/inspect", status.path("prefix").asText(), inspected::toPrettyString);
        assertTrue(status.has("pending-files"), () -> "Status has no pending-files count: " + inspected.toPrettyString());
        assertFalse(inspected.toString().contains(s3.secretKey()), "docker volume inspect shows the secret key");

        // Once uploaded, nothing is pending any more, and inspect says so.
        await("pending-files reaches 0").atMost(BucketChecks.UPLOAD_DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> Volumes.inspect(volume).path("Status").path("pending-files").asLong(-1) == 0);
        assertTrue(s3.objectExists(bucket, "team/inspect/file.txt"), () -> "keys: " + BucketChecks.keysForMessage(s3, bucket));

        var lines = plugin.logLines();
        assertFalse(lines.isEmpty(), "dockerd's log has no line of plugin " + plugin.name() + "; is it the right log?");
        var leaking = lines.stream().filter(line -> line.contains(s3.secretKey())).toList();
        assertTrue(leaking.isEmpty(), () -> "the plugin logged its secret key in " + leaking.size() + " line(s)");
    }
}
