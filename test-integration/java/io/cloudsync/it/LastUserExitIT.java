package io.cloudsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Docker unmounts a volume as soon as its last container exits; a peer plugin then stops uploading until the next
 * mount. cloudsync keeps uploading: what the container wrote is in the bucket within writeback-delay + 2 s of its
 * exit, with no flush request and no other container.
 */
@WithDockerEngine
class LastUserExitIT {

    private static final String BUCKET = "it-last-exit";
    private static final Duration WRITEBACK_DELAY = Duration.ofSeconds(1);

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("lastexit"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void aHundredFilesWrittenByTheLastUserReachTheBucketWithinTheDelayPlusTwoSeconds() {
        String volume = UniqueNames.of("lastexit-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "writeback-delay", "1s"));
        Containers.Run writer = Containers.run(volume, "set -e; mkdir -p /data/batch; i=0;"
                + " while [ $i -lt 100 ]; do dd if=/dev/urandom of=/data/batch/f$i bs=16k count=1 2>/dev/null; i=$((i+1)); done;"
                + " cd /data && sha256sum batch/*").assertSucceeded();
        Map<String, String> written = BucketChecks.parseSha256sum(writer.stdout());
        assertEquals(100, written.size(), writer.stdout());
        BucketChecks.awaitObjects(s3, BUCKET, volume, written, WRITEBACK_DELAY.plusSeconds(2));
        Volumes.removeWithCli(volume);
    }
}
