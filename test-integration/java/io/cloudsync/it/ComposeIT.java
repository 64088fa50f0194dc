package io.cloudsync.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Command;
import io.cloudsync.it.support.DockerHost;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compose file (Debian's docker-compose 1.29) that declares a cloudsync volume with {@code driver} and
 * {@code driver_opts}: "up" writes into it and the objects arrive, "down" keeps the volume, a second "up" finds
 * it again (compose compares the driver name with its tag, so the file says NAME:latest, see DESIGN.md), and
 * "down -v" removes the volume but leaves the objects in the bucket.
 */
@WithDockerEngine
class ComposeIT {

    private static final String BUCKET = "it-compose";
    private static final String PREFIX = "compose-data";

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @TempDir
    Path projectDir;
    private String project;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("compose"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @AfterEach
    void downEverything() {
        if (project != null) {
            compose("down", "-v").run(); // whatever the test left up; harmless when it is all down already
        }
    }

    @Test
    void upWritesIntoTheVolumeDownKeepsItDownMinusVRemovesItAndTheObjectsStay() throws IOException {
        project = "cloudsyncit" + plugin.name().substring(plugin.name().lastIndexOf('-') + 1);
        Files.writeString(projectDir.resolve("docker-compose.yml"), """
                version: "3.8"
                services:
                  writer:
                    image: %s
                    network_mode: none
                    command: ["/bin/sh", "-c", "set -e; if [ -f /data/run-1.txt ]; then cp /data/run-1.txt /data/seen-by-run-$$RUN.txt; fi; echo \\"compose run $$RUN\\" > /data/run-$$RUN.txt; mkdir -p /data/logs; echo done > /data/logs/run-$$RUN.log"]
                    environment:
                      RUN: "${RUN}"
                    volumes:
                      - data:/data
                volumes:
                  data:
                    driver: %s
                    driver_opts:
                      bucket: %s
                      prefix: %s
                """.formatted(DockerHost.BUSYBOX_IMAGE, plugin.driverName(), BUCKET, PREFIX), StandardCharsets.UTF_8);
        String volume = project + "_data";

        compose("up", "--exit-code-from", "writer").env("RUN", "1").check();
        awaitObject(PREFIX + "/run-1.txt", "compose run 1\n");
        awaitObject(PREFIX + "/logs/run-1.log", "done\n");

        compose("down").check();
        assertTrue(Volumes.names().contains(volume), () -> "'docker-compose down' removed volume " + volume);

        // A second "up" must accept the existing volume, and the service finds what the first run wrote (it copies it).
        compose("up", "--exit-code-from", "writer").env("RUN", "2").check();
        awaitObject(PREFIX + "/run-2.txt", "compose run 2\n");
        awaitObject(PREFIX + "/seen-by-run-2.txt", "compose run 1\n");

        compose("down", "-v").check();
        await("volume " + volume + " gone after 'down -v'").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> !Volumes.names().contains(volume));
        assertFalse(Volumes.names().contains(volume));
        assertTrue(s3.objectExists(BUCKET, PREFIX + "/run-1.txt"), () -> "removing the volume deleted remote data: " + BucketChecks.keysForMessage(s3, BUCKET));
        assertTrue(s3.objectExists(BUCKET, PREFIX + "/run-2.txt"), () -> "removing the volume deleted remote data: " + BucketChecks.keysForMessage(s3, BUCKET));
    }

    private void awaitObject(String key, String content) {
        await("object " + key + " in bucket " + BUCKET).atMost(BucketChecks.UPLOAD_DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertTrue(s3.objectExists(BUCKET, key), () -> "no " + key + "; keys: " + BucketChecks.keysForMessage(s3, BUCKET));
                    assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), s3.readObject(BUCKET, key), () -> "bytes of " + key);
                });
    }

    private Command compose(String... args) {
        var argv = new java.util.ArrayList<String>(java.util.List.of("docker-compose", "--ansi", "never", "-p", project,
                "-f", projectDir.resolve("docker-compose.yml").toString()));
        argv.addAll(java.util.List.of(args));
        return Command.of(argv).directory(projectDir).timeout(Duration.ofMinutes(3)).env("COMPOSE_HTTP_TIMEOUT", "180");
    }
}
