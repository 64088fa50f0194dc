package io.cloudsync.it;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "docker volume create" over a prefix that other tools already filled: a container sees the files at once, with
 * the owner and modes the volume options give objects that carry none, and with s3fs's attributes where an object
 * has them; reading the start of a large object does not download all of it.
 */
@WithDockerEngine
class RemoteDataIT {

    private static final String BUCKET = "it-remote-data";

    private static S3ProxyServer s3;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage pkg) {
        s3 = server;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("remote"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void aNewVolumeShowsWhatThePrefixAlreadyHolds() {
        String prefix = UniqueNames.of("filled");
        byte[] big = new byte[24 << 20];
        new Random(5).nextBytes(big);
        s3.putObject(BUCKET, prefix + "/docs/readme.txt", "put by another tool\n".getBytes(StandardCharsets.UTF_8), Map.of());
        s3.putObject(BUCKET, prefix + "/docs/old/notes.txt", "deeper\n".getBytes(StandardCharsets.UTF_8), Map.of());
        s3.putObject(BUCKET, prefix + "/secret", "s3fs\n".getBytes(StandardCharsets.UTF_8),
                Map.of("mode", "33152", "uid", "0", "gid", "0", "mtime", "1700000000"));
        s3.putObject(BUCKET, prefix + "/big.bin", big, Map.of());

        String volume = UniqueNames.of("filled-vol");
        Volumes.create(volume, plugin.driverName(), Map.of("bucket", BUCKET, "prefix", prefix,
                "uid", "1000", "gid", "1000", "file-mode", "0640", "dir-mode", "0750"));
        Containers.Run listing = Containers.run(volume, """
                set -e
                cd /data
                find . | LC_ALL=C sort
                stat -c '%n %a %u %g %s' docs docs/readme.txt secret
                stat -c '%Y' secret
                cat docs/old/notes.txt
                """).assertSucceeded();
        List<String> lines = listing.stdout().lines().toList();
        assertEquals(List.of(".", "./big.bin", "./docs", "./docs/old", "./docs/old/notes.txt", "./docs/readme.txt",
                "./secret"), lines.subList(0, 7), listing::describe);
        assertEquals(List.of("docs 750 1000 1000", "docs/readme.txt 640 1000 1000 20", "secret 600 0 0 5",
                "1700000000", "deeper"), List.of(lines.get(7).substring(0, lines.get(7).lastIndexOf(' ')),
                lines.get(8), lines.get(9), lines.get(10), lines.get(11)), listing::describe);

        s3.resetBytesServed();
        Containers.run(volume, "dd if=/data/big.bin of=/dev/null bs=128k count=8").assertSucceeded();
        long served = s3.bytesServed();
        assertTrue(served < (6 << 20), "reading 1 MiB of a 24 MiB object fetched " + served + " bytes");

        Containers.Run whole = Containers.run(volume, "cd /data && sha256sum big.bin").assertSucceeded();
        assertEquals(Map.of("big.bin", BucketChecks.sha256(big)), BucketChecks.parseSha256sum(whole.stdout()));
        Volumes.removeWithCli(volume);
    }
}
