package io.cloudsync.app;

import io.cloudsync.api.PluginServer;
import io.cloudsync.config.InvalidOptionException;
import io.cloudsync.config.PluginSettings;
import io.cloudsync.store.minio.MinioObjectStore;
import io.cloudsync.store.minio.S3Endpoint;
import io.cloudsync.volume.FuseMounter;
import io.cloudsync.volume.StoreFactory;
import io.cloudsync.volume.VolumeManager;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin process: reads its settings, listens on Docker's socket at once, then opens the volumes (replaying
 * their journals). On SIGTERM Docker allows 10 s before SIGKILL: mounts stop taking writes, uploads get
 * {@link #SHUTDOWN_UPLOAD_GRACE} and what is left stays in the journals for the next start.
 */
public final class Main {

    static {
        // Before the first logger: keep logging alive through the shutdown hook (see ShutdownSafeLogManager).
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
    }

    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    static final Duration SHUTDOWN_UPLOAD_GRACE = Duration.ofSeconds(7);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        PluginSettings settings;
        try {
            settings = PluginSettings.fromEnvironment(System.getenv());
        } catch (InvalidOptionException e) {
            System.err.println("cloudsync: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.configure(settings.logLevel());
        LOG.info(() -> "starting with " + settings);

        StartingDriver driver = new StartingDriver();
        PluginServer server = new PluginServer(settings.socket(), driver);
        server.start();
        LOG.info(() -> "listening on " + settings.socket());

        CountDownLatch stopped = new CountDownLatch(1);
        VolumeManager[] manager = new VolumeManager[1];
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            LOG.info("stopping: unmounting volumes and uploading what fits in " + SHUTDOWN_UPLOAD_GRACE.toSeconds() + " s");
            synchronized (manager) {
                if (manager[0] != null) {
                    manager[0].shutdown(SHUTDOWN_UPLOAD_GRACE);
                }
            }
            server.stop();
            LOG.info("stopped");
            stopped.countDown();
        }));

        try {
            VolumeManager m = VolumeManager.start(settings.stateDir(), settings.mountRoot(), settings.defaultBucket(),
                    storeFactory(settings), new FuseMounter());
            synchronized (manager) {
                manager[0] = m;
            }
            driver.ready(m);
            LOG.info("ready");
        } catch (Exception | Error e) {
            LOG.log(Level.SEVERE, "start-up failed: " + e.getMessage(), e);
            driver.failed(e);
        }
        stopped.await();
    }

    private static StoreFactory storeFactory(PluginSettings s) {
        return bucket -> {
            if (s.endpoint().isEmpty()) {
                throw new IllegalStateException("no S3 endpoint is configured; set one with: docker plugin set <plugin> "
                        + PluginSettings.ENDPOINT + "=https://host:port (and the access and secret keys)");
            }
            return MinioObjectStore.open(S3Endpoint.of(s.endpoint(), s.region(), s.accessKey(), s.secretKey()), bucket);
        };
    }
}
