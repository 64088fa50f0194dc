package io.cloudsync.volume;

import io.cloudsync.cache.VolumeCache;
import io.cloudsync.config.VolumeOptions;
import io.cloudsync.journal.Journal;
import io.cloudsync.store.ObjectStore;
import io.cloudsync.writeback.BucketTree;
import io.cloudsync.writeback.UploadSource;
import io.cloudsync.writeback.Uploader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A volume while the plugin runs: its cache directory, journal, object store and uploader, open from plugin
 * start (or volume creation) until plugin stop (or removal), whether or not a container has it mounted.
 *
 * <p>On disk, under the state directory: {@code volumes/<name>/data} (the cache, mirroring the volume's tree)
 * and {@code volumes/<name>/journal}.
 */
public final class OpenVolume implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OpenVolume.class.getName());
    private static final int UPLOAD_CONCURRENCY = 4;

    private final String name;
    private final VolumeOptions options;
    private final Path dir;
    private final Journal journal;
    private final VolumeCache cache;
    private final ObjectStore store;
    private final Uploader uploader;

    private OpenVolume(String name, VolumeOptions options, Path dir, Journal journal, VolumeCache cache,
                       ObjectStore store, Uploader uploader) {
        this.name = name;
        this.options = options;
        this.dir = dir;
        this.journal = journal;
        this.cache = cache;
        this.store = store;
        this.uploader = uploader;
    }

    /** Opens the volume's local state in {@code dir} (creating it), replays its journal and starts uploading. */
    static OpenVolume open(String name, VolumeOptions options, Path dir, ObjectStore store) throws IOException {
        Path data = dataDir(dir);
        Files.createDirectories(data);
        Journal journal = Journal.open(dir.resolve("journal"));
        try {
            VolumeCache cache = new VolumeCache(data, journal, options.readOnly(),
                    new BucketTree(store, options.prefix(), new BucketTree.ObjectDefaults(options.defaults().uid(),
                            options.defaults().gid(), options.defaults().fileMode(), options.defaults().dirMode())),
                    options.refreshInterval(), options.cacheMaxSize());
            UploadSource source = new CacheUploadSource(cache);
            Uploader uploader = new Uploader(name, journal, store, options.prefix(), source,
                    options.writebackDelay(), UPLOAD_CONCURRENCY);
            cache.useWaitingUploads(uploader::postponeWaitingUpload);
            uploader.start();
            return new OpenVolume(name, options, dir, journal, cache, store, uploader);
        } catch (Throwable t) {
            journal.close();
            throw t;
        }
    }

    /** The cache directory of the volume whose state is in {@code dir}. */
    static Path dataDir(Path dir) {
        return dir.resolve("data");
    }

    public String name() {
        return name;
    }

    public VolumeOptions options() {
        return options;
    }

    public VolumeCache cache() {
        return cache;
    }

    public Journal journal() {
        return journal;
    }

    public ObjectStore store() {
        return store;
    }

    public Uploader uploader() {
        return uploader;
    }

    Path dir() {
        return dir;
    }

    /**
     * Makes the journal durable, uploads what fits in {@code grace}, then stops; what is left stays in the journal
     * for the next start. The journal comes first: if Docker's SIGKILL ends the uploads, every accepted change is
     * still recorded on disk.
     */
    void close(Duration grace) {
        try {
            journal.sync();
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "volume " + name + ": making the journal durable at shutdown failed", e);
        }
        try {
            if (!uploader.flush(grace)) {
                LOG.warning(() -> "volume " + name + ": " + uploader.status().pendingFiles()
                        + " change(s) not yet uploaded at shutdown; they stay in the journal and resume at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        uploader.close();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "volume " + name + ": closing the journal failed", e);
        }
        store.close();
    }
}
