package io.cloudsync.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIFOs and devices made with mkfifo and mknod on a mounted volume reach a real S3 server (S3Proxy) as s3fs stores
 * special files, and a new volume over those objects shows them again, typed, numbered and owned as they were.
 */
@Tag("fuse")
class FuseSpecialFilesEndToEndTest {

    private static final String BUCKET = BucketVolume.BUCKET;
    private static final String PREFIX = "vol";

    @TempDir
    Path tmp;

    private record StoredObject(byte[] content, Map<String, String> metadata) {
    }

    @Test
    void specialFilesReachTheBucketAsEmptyObjectsAndANewVolumeShowsThemAgain() throws Exception {
        Map<String, StoredObject> bucket = new TreeMap<>();
        try (BucketVolume v = BucketVolume.start(tmp.resolve("first"), BucketVolume.Settings.defaults(PREFIX), s3 -> {
        })) {
            v.sh("mkdir -m 0777 shared && mkfifo -m 0640 pipe && mknod -m 0660 null c 1 3"
                    + " && setpriv --reuid=1000 --regid=1000 --clear-groups mkfifo -m 0600 shared/mine");
            assertTrue(v.uploader.flush(Duration.ofSeconds(60)), () -> "still pending: " + v.uploader.status());

            for (String key : v.s3.listKeys(BUCKET, PREFIX + "/")) {
                bucket.put(key, new StoredObject(v.s3.readObject(BUCKET, key),
                        v.s3.objectMetadata(BUCKET, key).orElseThrow()));
            }
        }

        assertEquals(List.of("vol/null", "vol/pipe", "vol/shared/", "vol/shared/mine"), List.copyOf(bucket.keySet()));
        StoredObject pipe = bucket.get("vol/pipe");
        assertArrayEquals(new byte[0], pipe.content(), "a special file's object is empty");
        assertEquals("4512", pipe.metadata().get("mode"), "S_IFIFO | 0640, as s3fs writes it");
        assertFalse(pipe.metadata().containsKey("rdev"));
        StoredObject devNull = bucket.get("vol/null");
        assertArrayEquals(new byte[0], devNull.content());
        assertEquals("8624", devNull.metadata().get("mode"), "S_IFCHR | 0660");
        assertEquals("100000003", devNull.metadata().get("rdev"), "1:3");
        assertEquals("1000", bucket.get("vol/shared/mine").metadata().get("uid"));
        assertEquals("1000", bucket.get("vol/shared/mine").metadata().get("gid"));

        try (BucketVolume w = BucketVolume.start(tmp.resolve("second"), BucketVolume.Settings.defaults(PREFIX),
                s3 -> bucket.forEach((key, o) -> s3.putObject(BUCKET, key, o.content(), o.metadata())))) {
            assertEquals("fifo 640 0:0", w.sh("stat -c '%F %a %u:%g' pipe").trim());
            assertEquals("character special file 660 1 3", w.sh("stat -c '%F %a %t %T' null").trim());
            assertEquals("fifo 600 1000:1000", w.sh("stat -c '%F %a %u:%g' shared/mine").trim());
            assertEquals(List.of(), w.journal.pending(), "what the listing made is not uploaded back");

            assertEquals("still a pipe\n", w.sh("cat pipe & printf 'still a pipe\\n' > pipe; wait"));
        }
    }
}
