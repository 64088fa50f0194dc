package io.cloudsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Command;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin's state disk (cache and journals) fills up. Writers must get ENOSPC, the error a full local disk
 * gives, not EIO; what was accepted before must stay readable and reach the bucket; and once there is room again
 * (here: the tmpfs under the state directory is made larger) writes work again, with a journal that replays clean
 * after a kill.
 */
@WithDockerEngine
class StateDiskFullIT {

    private static final String BUCKET = "it-state-full";
    private static final String SMALL = "48m";
    private static final String LARGE = "512m";

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    /** A tmpfs of {@value #SMALL} as the plugin's state directory. */
    private static final ManagedPlugin.StateMount SMALL_TMPFS = new ManagedPlugin.StateMount() {
        @Override
        public void mount(Path stateDir) {
            Command.of("mount", "-t", "tmpfs", "-o", "size=" + SMALL + ",mode=0755", "cloudsync-it-state", stateDir.toString())
                    .check();
        }

        @Override
        public void unmount(Path stateDir) {
            Command.of("umount", stateDir.toString()).check();
        }
    };

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("statefull"), ManagedPlugin.settingsFor(s3),
                SMALL_TMPFS);
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void writersGetEnospcNothingAcceptedIsLostAndWritesWorkAgainWhenSpaceReturns() {
        String volume = UniqueNames.of("statefull-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "1s"));
        Map<String, String> accepted = BucketChecks.parseSha256sum(Containers.run(volume, """
                set -e
                mkdir -p /data/kept
                for i in 1 2 3 4 5; do dd if=/dev/urandom of=/data/kept/f$i bs=1M count=1 conv=fsync 2>/dev/null; done
                cd /data && sha256sum kept/*
                """).assertSucceeded().stdout());
        assertEquals(5, accepted.size());

        Containers.Run filler = Containers.run(volume, """
                dd if=/dev/zero of=/data/filler bs=1M count=200 conv=fsync
                echo "dd exit $?"
                echo small > /data/small.txt
                echo "echo exit $?"
                """);
        String errors = filler.stderr();
        assertTrue(errors.contains("No space left on device"), "a full state disk is ENOSPC to the writer: " + filler.describe());
        assertFalse(errors.contains("I/O error") || errors.contains("Input/output error"),
                "a full disk must not look like a broken one (EIO): " + filler.describe());
        assertTrue(filler.stdout().contains("dd exit 1"), filler.describe());

        Containers.Run reader = Containers.run(volume, "cd /data && sha256sum kept/*").assertSucceeded();
        assertEquals(accepted, BucketChecks.parseSha256sum(reader.stdout()), "accepted files read back while the disk is full");
        BucketChecks.awaitObjects(s3, BUCKET, volume, accepted);

        Command.of("mount", "-o", "remount,size=" + LARGE, plugin.stateDir().toString()).check();
        Containers.Run after = Containers.run(volume, """
                set -e
                rm -f /data/filler
                dd if=/dev/urandom of=/data/after.bin bs=1M count=8 conv=fsync 2>/dev/null
                cd /data && sha256sum after.bin
                """).assertSucceeded();
        Map<String, String> afterFile = BucketChecks.parseSha256sum(after.stdout());
        assertEquals(1, afterFile.size(), after.describe());

        // The journal went through refused appends: after a crash it must replay without damage.
        Instant killedAt = Instant.now();
        List<Long> killed = plugin.killProcesses();
        plugin.awaitRestartedAfterKill(killed, killedAt, Duration.ofSeconds(90));
        Map<String, String> all = new TreeMap<>(accepted);
        all.putAll(afterFile);
        BucketChecks.awaitObjects(s3, BUCKET, volume, all);
        String problems = Volumes.inspect(volume).path("Status").path("journal-problems").asText("");
        assertEquals("", problems, "the journal replayed with damage");
        Containers.Run again = Containers.run(volume, "cd /data && sha256sum kept/* after.bin; ls /data").assertSucceeded();
        assertEquals(all, BucketChecks.parseSha256sum(again.stdout()), again.describe());
        Volumes.removeWithCli(volume);
    }
}
