package io.cloudsync.writeback;

import io.cloudsync.store.FakeFaultInjectingObjectStore;
import io.cloudsync.store.FakeInMemoryObjectStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of writes, deletes, mkdirs, rmdirs and renames of files and whole directories, done through the
 * real cache while the uploader runs with a short delay (so uploads race with the operations), with failing store
 * calls and restarts in between: whatever happened, after a flush the bucket holds exactly the volume.
 * Each seed gives the same operations; the interleaving with the uploader differs from run to run.
 */
class UploaderModelTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void afterAFlushTheBucketEqualsTheVolume(int seed) throws Exception {
        Random random = new Random(seed);
        FakeInMemoryObjectStore bucket = new FakeInMemoryObjectStore("bkt");
        FakeFaultInjectingObjectStore store = new FakeFaultInjectingObjectStore(bucket);
        if (seed % 4 == 0) {
            store.failWhen(c -> random.nextInt(10) == 0, 3,
                    FakeFaultInjectingObjectStore.transientError("injected failure"));
        }
        // 0-15 ms: uploads race with the operations; 1 h: everything waits for the final flush.
        Duration delay = seed % 5 == 0 ? Duration.ofHours(1) : Duration.ofMillis(random.nextInt(4) * 5L);
        VolumeUnderTest volume = new VolumeUnderTest(tmp, store, delay);
        List<String> done = new ArrayList<>();
        try {
            for (int step = 0; step < 120; step++) {
                String op = randomOperation(volume, random);
                if (op != null) {
                    done.add(op);
                }
                if (random.nextInt(40) == 0) {
                    volume.journal.sync();
                    volume.close(); // a restart: what is pending comes back from the journal
                    volume = new VolumeUnderTest(tmp, store, delay);
                    done.add("restart");
                }
            }
            assertTrue(volume.flush(), "flush finished; operations: " + done + "; queue: "
                    + volume.uploader.describeQueue() + "; journal: " + volume.journal.pending());
            assertEquals(volume.expectedObjects(), objects(bucket), "operations: " + done);
            assertTrue(volume.journal.pending().isEmpty(), "journal empty: " + volume.journal.pending() + "; operations: " + done);
        } finally {
            volume.close();
        }
    }

    /** Does one random operation that is valid on the current tree; returns its description, null if none. */
    private static String randomOperation(VolumeUnderTest volume, Random random) throws IOException {
        List<String> dirs = entries(volume, true);
        List<String> files = entries(volume, false);
        dirs.addFirst("");
        String parent = dirs.get(random.nextInt(dirs.size()));
        String fresh = (parent.isEmpty() ? "" : parent + "/") + NAMES.get(random.nextInt(NAMES.size()));
        boolean freshFree = !Files.exists(volume.dataDir.resolve(fresh), LinkOption.NOFOLLOW_LINKS);
        switch (random.nextInt(9)) {
            case 0, 1, 2 -> {
                String target = !files.isEmpty() && random.nextBoolean() ? files.get(random.nextInt(files.size())) : fresh;
                if (Files.isDirectory(volume.dataDir.resolve(target))) {
                    return null;
                }
                volume.write(target, "content " + random.nextInt(1000) + " of " + target);
                return "write " + target;
            }
            case 3 -> {
                if (files.isEmpty()) {
                    return null;
                }
                String victim = files.get(random.nextInt(files.size()));
                volume.unlink(victim);
                return "unlink " + victim;
            }
            case 4 -> {
                if (!freshFree) {
                    return null;
                }
                volume.mkdir(fresh);
                return "mkdir " + fresh;
            }
            case 5 -> {
                String dir = dirs.get(random.nextInt(dirs.size()));
                if (dir.isEmpty() || !isEmptyDir(volume.dataDir.resolve(dir))) {
                    return null;
                }
                volume.rmdir(dir);
                return "rmdir " + dir;
            }
            case 6, 7 -> {
                if (files.isEmpty()) {
                    return null;
                }
                String from = files.get(random.nextInt(files.size()));
                String to = random.nextBoolean() ? files.get(random.nextInt(files.size())) : fresh;
                if (from.equals(to) || Files.isDirectory(volume.dataDir.resolve(to))) {
                    return null;
                }
                volume.rename(from, to);
                return "rename " + from + " " + to;
            }
            default -> {
                String from = dirs.get(random.nextInt(dirs.size()));
                if (from.isEmpty() || !freshFree || fresh.equals(from) || fresh.startsWith(from + "/")) {
                    return null;
                }
                volume.rename(from, fresh);
                return "rename-dir " + from + " " + fresh;
            }
        }
    }

    private static List<String> entries(VolumeUnderTest volume, boolean directories) throws IOException {
        try (Stream<Path> walk = Files.walk(volume.dataDir)) {
            return new ArrayList<>(walk.filter(p -> !p.equals(volume.dataDir))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) == directories)
                    .map(p -> volume.dataDir.relativize(p).toString()).sorted().toList());
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static Map<String, String> objects(FakeInMemoryObjectStore bucket) {
        Map<String, String> out = new TreeMap<>();
        for (String key : bucket.keys()) {
            out.put(key, new String(bucket.content(key).orElseThrow(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
