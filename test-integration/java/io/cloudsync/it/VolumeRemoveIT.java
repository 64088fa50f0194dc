package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "docker volume rm": refused with a clear message while a running container uses the volume; once the
 * container is gone it succeeds, the volume disappears from "docker volume ls", and the objects stay in the
 * bucket (removing a volume never deletes remote data).
 */
@WithDockerEngine
class VolumeRemoveIT {

    private static final String BUCKET = "it-remove";

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("remove"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void removingAVolumeInUseFailsAndRemovingItAfterwardsKeepsTheRemoteData() {
        String volume = UniqueNames.of("remove-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET));
        Containers.Run writer = Containers.run(volume, "set -e; mkdir -p /data/keep; echo 'keep me' > /data/keep/me.txt;"
                + " cd /data && sha256sum keep/me.txt").assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        BucketChecks.awaitObjects(s3, BUCKET, volume, written);

        String running = Containers.start(volume, "touch /data/running; exec sleep 600");
        try {
            // Docker mounts the volume before it starts the process: running means mounted.
            await("container " + running + " running").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(() -> isRunning(running));
            Command.Result refused = Volumes.removeWithCli(volume);
            assertNotEquals(0, refused.exitCode(), () -> "docker volume rm of a volume in use succeeded: " + refused.describe());
            assertTrue(refused.output().toLowerCase(Locale.ROOT).contains("in use"), refused::describe);
            assertTrue(refused.output().contains(volume), refused::describe);
            assertTrue(Volumes.names().contains(volume), "the refused remove still removed " + volume);
        } finally {
            Containers.remove(running);
        }

        Command.Result removed = Volumes.removeWithCli(volume);
        assertEquals(0, removed.exitCode(), removed::describe);
        assertFalse(Volumes.names().contains(volume), "docker volume ls still lists " + volume);
        assertTrue(s3.objectExists(BUCKET, volume + "/keep/me.txt"),
                () -> "removing the volume deleted its objects; bucket now: " + BucketChecks.keysForMessage(s3, BUCKET));
        assertEquals("keep me\n", new String(s3.readObject(BUCKET, volume + "/keep/me.txt"), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean isRunning(String containerId) {
        return Boolean.TRUE.equals(io.cloudsync.it.support.DockerHost.client().inspectContainerCmd(containerId).exec()
                .getState().getRunning());
    }
}
