package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise of the durability ladder under the harshest end a process can have: the plugin is SIGKILLed while a
 * container writes, dockerd starts it again, and that twenty times in a row. Every file the container had fsync'd
 * or closed before a kill must reach the bucket with the bytes it wrote, and read back equal from the volume.
 */
@WithDockerEngine
class CrashLoopIT {

    private static final String BUCKET = "it-crash-loop";
    private static final int ROUNDS = 20;
    private static final Duration RESTART_DEADLINE = Duration.ofSeconds(90);

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("crashloop"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    /**
     * Writes files without end into /data/rROUND: even ones with dd conv=fsync, odd ones with a plain cp (closed,
     * not fsync'd). The digest is taken from the container's own copy first, and the line is printed only after
     * the write returned, so every printed line names a file the program was told is safe.
     */
    private static String writerScript(int round) {
        return """
                mkdir -p /data/r%1$d || exit 3
                i=0
                while true; do
                  dd if=/dev/urandom of=/tmp/src bs=4096 count=$((i %% 8 + 1)) 2>/dev/null
                  sum=$(sha256sum /tmp/src | cut -d' ' -f1)
                  if [ $((i %% 2)) -eq 0 ]; then
                    dd if=/tmp/src of=/data/r%1$d/f$i bs=4096 conv=fsync 2>/dev/null || exit 4
                  else
                    cp /tmp/src /data/r%1$d/f$i || exit 4
                  fi
                  echo "$sum  r%1$d/f$i"
                  i=$((i + 1))
                done
                """.formatted(round);
    }

    @Test
    void everyFileFsyncedOrClosedBeforeAKillReachesTheBucketAcrossTwentyKills() {
        String volume = UniqueNames.of("crashloop-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "1s"));
        Map<String, String> promised = new TreeMap<>();

        for (int round = 0; round < ROUNDS; round++) {
            int wanted = 2 + round % 5; // kill at a different point of the write stream each round
            String container = Containers.start(volume, writerScript(round));
            try {
                await("round " + round + ": the container has written " + wanted + " files")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> BucketChecks.parseSha256sum(Containers.logsSoFar(container).stdout()).size() >= wanted);
                java.time.Instant killedAt = java.time.Instant.now();
                List<Long> killed = plugin.killProcesses();
                await("round " + round + ": the writer stops once its volume's server is gone")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !Containers.isRunning(container));
                promised.putAll(BucketChecks.parseSha256sum(Containers.logsSoFar(container).stdout()));
                awaitRestarted(round, killed, killedAt, volume);
            } finally {
                Containers.remove(container);
            }
        }

        assertTrue(promised.size() >= ROUNDS * 2, "too few files were written to prove anything: " + promised.size());
        BucketChecks.awaitObjects(s3, BUCKET, volume, promised);
        Containers.Run reader = Containers.run(volume, "cd /data && find . -type f | sort | xargs sha256sum")
                .assertSucceeded();
        Map<String, String> inVolume = BucketChecks.parseSha256sum(reader.stdout());
        Map<String, String> promisedInVolume = new TreeMap<>();
        promised.keySet().forEach(path -> promisedInVolume.put(path, inVolume.getOrDefault(path, "(missing)")));
        assertEquals(promised, promisedInVolume, "files promised before a kill, as the volume now reads them");
        Volumes.removeWithCli(volume);
    }

    private static void awaitRestarted(int round, List<Long> killed, java.time.Instant killedAt, String volume) {
        plugin.awaitRestartedAfterKill(killed, killedAt, RESTART_DEADLINE);
        await("round " + round + ": volume " + volume + " listed again").atMost(RESTART_DEADLINE)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> Volumes.names().contains(volume));
    }
}
