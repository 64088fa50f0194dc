package io.cloudsync.volume;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the registry keeps of one volume: its validated options in canonical form, when it was created, and the
 * Docker mount IDs that hold it mounted (a set, not a counter, so a repeated Mount or Unmount cannot skew it).
 */
public record VolumeRecord(String name, Map<String, String> options, String createdAt, Set<String> mountIds) {

    public VolumeRecord {
        options = Map.copyOf(options);
        mountIds = Set.copyOf(new TreeSet<>(mountIds));
    }

    VolumeRecord withMountIds(Set<String> ids) {
        return new VolumeRecord(name, options, createdAt, ids);
    }
}
