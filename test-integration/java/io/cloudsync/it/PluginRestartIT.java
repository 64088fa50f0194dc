package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.DockerDaemon;
import io.cloudsync.it.support.DockerHost;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Volumes and their data outlive the plugin process: "docker plugin disable" and "enable", and a restart of
 * dockerd itself (which stops and restarts every plugin), leave the volumes listed, their data readable, and new
 * writes uploading. Files still waiting for their writeback delay when the plugin is killed (kill -9, which
 * dockerd answers by starting it again) or dockerd goes down are uploaded after.
 */
@WithDockerEngine
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginRestartIT {

    private static final String BUCKET = "it-restart";
    private static final Duration RESTART_DEADLINE = Duration.ofSeconds(90);

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("restart"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    @Order(1)
    void disableAndEnableKeepVolumesAndData() {
        String volume = UniqueNames.of("disable-enable-vol");
        Map<String, String> before = writeAndAwaitUpload(volume, "before");

        plugin.disable();
        plugin.enable();

        awaitListedAgain(volume);
        assertDataReadable(volume, before);
        writeAndAwaitUpload(volume, "after");
    }

    @Test
    @Order(2)
    void aKilledPluginIsStartedAgainAndUploadsWhatWasPendingAtTheCrash() {
        String volume = UniqueNames.of("crash-vol");
        // A delay long enough that the file is surely still pending when the plugin dies.
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "20s"));
        Containers.Run writer = Containers.run(volume, """
                set -e
                mkdir -p /data/d
                dd if=/dev/urandom of=/data/d/synced.bin bs=65536 count=8 conv=fsync 2>/dev/null
                cd /data && sha256sum d/synced.bin
                """).assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        assertEquals(1, written.size(), writer::describe);
        long pending = Volumes.inspect(volume).path("Status").path("pending-files").asLong(-1);
        assertTrue(pending >= 1, () -> "the file is no longer pending before the crash (pending-files " + pending
                + "), so the crash would prove nothing");

        List<Long> killed = plugin.killProcesses();
        await("dockerd starts plugin " + plugin.name() + " again after kill -9 of " + killed)
                .atMost(RESTART_DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    List<Long> now = plugin.processIds();
                    return !now.isEmpty() && now.stream().noneMatch(killed::contains) && plugin.isEnabled();
                });

        awaitListedAgain(volume);
        BucketChecks.awaitObjects(s3, BUCKET, volume, written);
        assertDataReadable(volume, written);
    }

    @Test
    @Order(3)
    void sigtermUploadsWhatIsPendingBeforeThePluginExits() {
        String volume = UniqueNames.of("sigterm-vol");
        // A delay far longer than the test: only the shutdown itself can upload these files.
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "10m"));
        Containers.Run writer = Containers.run(volume, """
                set -e
                mkdir -p /data/late
                i=0; while [ $i -lt 20 ]; do dd if=/dev/urandom of=/data/late/f$i bs=16k count=1 2>/dev/null; i=$((i+1)); done
                cd /data && sha256sum late/*
                """).assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        assertEquals(20, written.size(), writer::describe);
        assertTrue(Volumes.inspect(volume).path("Status").path("pending-files").asLong(-1) >= 20,
                "the files are not pending before the SIGTERM, so it would prove nothing");

        long cleanStopsBefore = cleanStops();
        // "docker plugin disable" sends SIGTERM and waits for the process to exit.
        plugin.disable();
        BucketChecks.awaitObjects(s3, BUCKET, volume, written, Duration.ofSeconds(2));
        assertEquals(cleanStopsBefore + 1, cleanStops(), "the plugin did not log a clean exit after the SIGTERM");
        plugin.enable();
        awaitListedAgain(volume);
        assertDataReadable(volume, written);
    }

    @Test
    @Order(4)
    void aDockerdRestartKeepsVolumesAndDataAndFinishesPendingUploads() {
        var whyNot = new StringBuilder();
        Optional<Long> pid = DockerDaemon.setupStartedPid(whyNot);
        if (pid.isEmpty()) {
            if (DockerHost.isCi()) {
                fail("CI=true, so the dockerd restart test must run, but " + whyNot
                        + "; start dockerd with scripts/setup.sh so that the test may restart it");
            }
            Assumptions.abort("dockerd restart not tested: " + whyNot + " (the test only restarts a daemon it started)");
        }
        String volume = UniqueNames.of("daemon-restart-vol");
        Map<String, String> before = writeAndAwaitUpload(volume, "before");
        // Written with a long delay, so that it is most likely still pending when dockerd stops the plugin.
        String slowVolume = UniqueNames.of("daemon-restart-slow-vol");
        Volumes.create(slowVolume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "15s"));
        Map<String, String> pending = BucketChecks.parseSha256sum(Containers.run(slowVolume,
                "set -e; echo pending > /data/pending.txt; sync; cd /data && sha256sum pending.txt").assertSucceeded().stdout());

        DockerDaemon.restart(pid.get());
        await("the engine answers docker-java again").atMost(RESTART_DEADLINE).ignoreExceptions()
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> DockerHost.client().pingCmd().exec());
        plugin.awaitEnabled(RESTART_DEADLINE);

        awaitListedAgain(volume);
        awaitListedAgain(slowVolume);
        BucketChecks.awaitObjects(s3, BUCKET, slowVolume, pending);
        assertDataReadable(volume, before);
        writeAndAwaitUpload(volume, "after");
    }

    /** Creates the volume if needed, has a container write FILE-TAG.txt and a nested file, waits for the upload. */
    private static Map<String, String> writeAndAwaitUpload(String volume, String tag) {
        if (!Volumes.names().contains(volume)) {
            Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET));
        }
        Containers.Run run = Containers.run(volume, """
                set -e
                mkdir -p /data/%1$s/inner
                echo 'written %1$s' > /data/file-%1$s.txt
                dd if=/dev/urandom of=/data/%1$s/inner/data.bin bs=4096 count=64 2>/dev/null
                cd /data && sha256sum file-%1$s.txt %1$s/inner/data.bin
                """.formatted(tag)).assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(run.stdout());
        assertEquals(2, written.size(), run::describe);
        BucketChecks.awaitObjects(s3, BUCKET, volume, written);
        return written;
    }

    /** How often the plugin has logged the last line of a clean shutdown. */
    private static long cleanStops() {
        return plugin.logLines().stream().filter(l -> l.contains(" INFO Main: stopped")).count();
    }

    private static void awaitListedAgain(String volume) {
        await("volume " + volume + " listed by 'docker volume ls'").atMost(RESTART_DEADLINE).ignoreExceptions()
                .pollInterval(Duration.ofMillis(250)).until(() -> Volumes.names().contains(volume));
    }

    private static void assertDataReadable(String volume, Map<String, String> written) {
        Containers.Run reader = Containers.run(volume, "cd /data && sha256sum " + String.join(" ", written.keySet()))
                .assertSucceeded();
        assertEquals(written, BucketChecks.parseSha256sum(reader.stdout()), reader::describe);
    }
}
