package io.cloudsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.it.support.BucketChecks;
import io.cloudsync.it.support.Command;
import io.cloudsync.it.support.Containers;
import io.cloudsync.it.support.LocalRegistry;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The way most users get the plugin: "docker plugin push" to a registry (Debian's docker-registry on loopback)
 * and "docker plugin install --grant-all-permissions" from it, with the settings given on the install command
 * line. The installed plugin then serves a volume that a container writes and reads.
 */
@WithDockerEngine
class PluginRegistryIT {

    @Test
    void aPluginPushedToARegistryInstallsFromItWithSettingsAndServesVolumes(S3ProxyServer s3, PluginPackage pkg) {
        String bucket = "it-registry";
        s3.createBucket(bucket);
        try (LocalRegistry registry = LocalRegistry.start()) {
            String reference = registry.reference(ManagedPlugin.uniqueName("pushed"));
            try (ManagedPlugin built = ManagedPlugin.createDisabled(pkg, reference)) {
                Command.docker("plugin", "push", built.name()).timeout(Duration.ofMinutes(3)).check();
            }
            // The built plugin is removed: what serves now comes from the registry only.
            String socket = ManagedPlugin.socketName(pkg.configJson());
            try (ManagedPlugin installed = ManagedPlugin.install(reference, socket, ManagedPlugin.settingsFor(s3))) {
                assertTrue(installed.isEnabled(), "docker plugin install did not enable " + reference);
                String volume = UniqueNames.of("registry-vol");
                Volumes.create(volume, installed.driverName(), Map.of("bucket", bucket));

                Containers.Run writer = Containers.run(volume, """
                        set -e
                        mkdir -p /data/a/b
                        dd if=/dev/urandom of=/data/a/b/blob.bin bs=65536 count=16 2>/dev/null
                        echo installed > /data/hello.txt
                        cd /data && sha256sum a/b/blob.bin hello.txt
                        """).assertSucceeded();
                Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
                assertEquals(2, written.size(), writer::describe);
                BucketChecks.awaitObjects(s3, bucket, volume, written);

                Containers.Run reader = Containers.run(volume, "cd /data && sha256sum a/b/blob.bin hello.txt")
                        .assertSucceeded();
                assertEquals(written, BucketChecks.parseSha256sum(reader.stdout()), reader::describe);
            }
        }
    }
}
