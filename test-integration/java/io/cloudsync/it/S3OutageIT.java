package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
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
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Object storage goes away for a minute while a container works on its volume. The container must not notice
 * (the volume is a local disk to it), the volume status must say what is wrong, and when the server is back the
 * bucket must catch up, renames and deletes included, within 30 s. The test has an S3 server of its own, so the
 * outage touches no other test's plugin.
 */
@WithDockerEngine
class S3OutageIT {

    private static final String BUCKET = "it-outage";
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(PluginPackage pkg) {
        s3 = S3ProxyServer.startNew();
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("outage"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        try {
            if (plugin != null) {
                plugin.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Test
    void aContainerWritingThroughAMinuteOfOutageSeesNoErrorAndTheBucketCatchesUpWithin30Seconds() {
        String volume = UniqueNames.of("outage-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "1s"));
        Map<String, String> before = BucketChecks.parseSha256sum(Containers.run(volume,
                "echo 'from before the outage' > /data/before.txt; cd /data && sha256sum before.txt")
                .assertSucceeded().stdout());
        BucketChecks.awaitObjects(s3, BUCKET, volume, before);

        s3.stop();
        Instant down = Instant.now();
        // The container's own run sets the outage's length: it writes (and fsyncs) a file a second for the whole
        // minute, then renames a directory, deletes the file from before, and prints what the volume holds.
        String container = Containers.start(volume, """
                set -e
                end=$(( $(date +%%s) + %d ))
                i=0
                while [ $(date +%%s) -lt $end ]; do
                  mkdir -p /data/out/d$((i %% 5))
                  dd if=/dev/urandom of=/data/out/d$((i %% 5))/f$i bs=16k count=$((i %% 4 + 1)) conv=fsync 2>/dev/null
                  i=$((i + 1))
                  sleep 1
                done
                mv /data/out/d0 /data/out/moved
                rm /data/before.txt
                cd /data && find out -type f | sort | xargs sha256sum
                """.formatted(OUTAGE.toSeconds() + 2));
        Containers.Run writer;
        try {
            await("the volume status reports the outage while the container writes")
                    .atMost(OUTAGE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> {
                        JsonNode status = Volumes.inspect(volume).path("Status");
                        assertTrue(status.path("pending-files").asLong() > 0 && !status.path("last-error").asText().isEmpty(),
                                "status " + status);
                    });
            await("the writer has run through the outage").atMost(OUTAGE.multipliedBy(3))
                    .pollInterval(Duration.ofMillis(500)).until(() -> !Containers.isRunning(container));
            writer = Containers.logsSoFar(container);
        } finally {
            Containers.remove(container);
        }
        writer.assertSucceeded();
        assertTrue(Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0, "the outage was shorter than a minute");

        s3.start();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        assertTrue(written.size() >= 30 && written.keySet().stream().anyMatch(p -> p.startsWith("out/moved/")),
                writer::describe);
        TreeSet<String> expectedKeys = new TreeSet<>();
        written.keySet().forEach(path -> expectedKeys.add(volume + "/" + path));
        await("the bucket equals the volume within " + CATCH_UP.toSeconds() + " s of the server's return")
                .atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> objectKeys(volume).equals(expectedKeys));
        BucketChecks.awaitObjects(s3, BUCKET, volume, written, Duration.ofSeconds(5));
        Volumes.removeWithCli(volume);
    }

    /** The file objects under the volume's prefix (directory markers, which end in '/', left out). */
    private static TreeSet<String> objectKeys(String volume) {
        TreeSet<String> keys = new TreeSet<>(s3.listKeys(BUCKET, volume + "/"));
        keys.removeIf(k -> k.endsWith("/"));
        return keys;
    }
}
