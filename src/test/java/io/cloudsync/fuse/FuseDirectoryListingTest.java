package io.cloudsync.fuse;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading directories through the mount: complete in pieces, and carrying each entry's attributes to the kernel. */
@Tag("fuse")
class FuseDirectoryListingTest {

    @TempDir
    Path tmp;

    @Test
    void aDirectoryReadInManyPiecesShowsEveryEntryOnce() throws IOException {
        try (MountedVolume v = new MountedVolume(tmp, false)) {
            Set<String> made = new TreeSet<>();
            Path dir = Files.createDirectory(v.mnt.resolve("big"));
            for (int i = 0; i < 3000; i++) {
                String name = String.format("%04d-", i) + "n".repeat(120); // long names: the kernel reads ~30 a piece
                Files.createFile(dir.resolve(name));
                made.add(name);
            }

            List<String> listed = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                entries.forEach(p -> listed.add(p.getFileName().toString()));
            }
            assertEquals(made.size(), listed.size(), "no entry twice, none left out");
            assertEquals(made, new TreeSet<>(listed));
            assertEquals("3002\n", v.sh("ls -a big | wc -l"), "with . and ..");
        }
    }

    @Test
    void anEntryRemovedWhileTheDirectoryIsReadIsShownOnceOrNot() throws IOException {
        try (MountedVolume v = new MountedVolume(tmp, false)) {
            Path dir = Files.createDirectory(v.mnt.resolve("d"));
            for (int i = 0; i < 500; i++) {
                Files.createFile(dir.resolve(String.format("%03d-", i) + "x".repeat(100)));
            }
            Set<String> seen = new HashSet<>();
            int count = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    if (count++ == 10) {
                        Files.delete(dir.resolve(String.format("%03d-", 499) + "x".repeat(100)));
                        Files.createFile(dir.resolve("new"));
                    }
                    assertTrue(seen.add(p.getFileName().toString()), "listed twice: " + p);
                }
            }
            assertTrue(count == 500 || count == 499 || count == 501, "entries: " + count);
            try (var again = Files.list(dir)) {
                assertEquals(500, again.count(), "a new pass lists the directory as it is now");
            }
        }
    }

    @Test
    void theAttributesOfAListingNeedNoLookupOfTheirOwn() throws IOException {
        // Long kernel cache timeouts, so that what the kernel was given stays what it answers for the whole test.
        FuseMountOptions cached = new FuseMountOptions("cloudsync-test", Duration.ofSeconds(60), Duration.ofSeconds(60));
        try (MountedVolume v = new MountedVolume(tmp, false, cached)) {
            for (int i = 0; i < 8; i++) {
                Files.writeString(v.dataDir.resolve("f" + i), "x".repeat(i));
            }
            List<Path> listed = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(v.mnt)) {
                entries.forEach(listed::add);
            }
            for (int i = 0; i < 8; i++) {
                Files.delete(v.dataDir.resolve("f" + i)); // behind the mount's back: a lookup would find nothing
            }
            assertEquals(8, listed.size());
            for (Path p : listed) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                assertEquals(Long.parseLong(p.getFileName().toString().substring(1)), a.size(),
                        "the size the listing gave the kernel for " + p);
            }
        }
    }
}
