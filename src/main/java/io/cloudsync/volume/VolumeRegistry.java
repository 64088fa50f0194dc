package io.cloudsync.volume;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloudsync.util.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The volumes of this plugin and their mount IDs, in one small JSON file on the state mount, rewritten atomically
 * on every change so that a crash leaves the old or the new registry, never a torn one. Not thread-safe: the
 * {@link VolumeManager} serialises access.
 */
final class VolumeRegistry {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The file's layout; {@code version} lets a later release migrate it. */
    record RegistryFile(int version, List<VolumeRecord> volumes) {
    }

    private final Path file;
    private final Map<String, VolumeRecord> volumes = new TreeMap<>();

    private VolumeRegistry(Path file) {
        this.file = file;
    }

    static VolumeRegistry load(Path file) throws IOException {
        VolumeRegistry r = new VolumeRegistry(file);
        if (Files.exists(file)) {
            RegistryFile content;
            try {
                content = JSON.readValue(file.toFile(), RegistryFile.class);
            } catch (IOException e) {
                throw new IOException("volume registry " + file + " cannot be read: " + e.getMessage(), e);
            }
            for (VolumeRecord v : content.volumes()) {
                r.volumes.put(v.name(), v);
            }
        }
        return r;
    }

    VolumeRecord get(String name) {
        return volumes.get(name);
    }

    Collection<VolumeRecord> all() {
        return List.copyOf(volumes.values());
    }

    void put(VolumeRecord record) throws IOException {
        VolumeRecord previous = volumes.put(record.name(), record);
        try {
            save();
        } catch (IOException e) {
            restore(record.name(), previous);
            throw e;
        }
    }

    void remove(String name) throws IOException {
        VolumeRecord previous = volumes.remove(name);
        try {
            save();
        } catch (IOException e) {
            restore(name, previous);
            throw e;
        }
    }

    private void restore(String name, VolumeRecord previous) {
        if (previous == null) {
            volumes.remove(name);
        } else {
            volumes.put(name, previous);
        }
    }

    private void save() throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new RegistryFile(1, List.copyOf(volumes.values())));
        AtomicFiles.write(file, bytes);
    }
}
