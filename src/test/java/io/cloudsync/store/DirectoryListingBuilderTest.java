package io.cloudsync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a listing is derived from what a server answers, whatever order and repeats its pages come in. */
class DirectoryListingBuilderTest {

    @Test
    void objectsDeeperKeysAndCommonPrefixesBecomeOneLevel() {
        var listing = new DirectoryListing.Builder("v/")
                .addCommonPrefix("v/sub/")
                .addObject(info("v/z.txt"))
                .addObject(info("v/"))
                .addObject(info("v/marker/"))
                .addObject(info("v/deep/a/b"))
                .addObject(info("v/a.txt"))
                .addCommonPrefix("v/sub/")
                .build();
        assertEquals(List.of("v/a.txt", "v/z.txt"), listing.objects().stream().map(ObjectInfo::key).toList());
        assertEquals(List.of("deep", "marker", "sub"), listing.subdirectories());
    }

    @Test
    void aNameCanBeAnObjectAndADirectoryAtOnce() {
        // S3 allows "v/f" next to "v/f/x" (a filesystem-backed test server cannot store both).
        var listing = new DirectoryListing.Builder("v/").addObject(info("v/f")).addObject(info("v/f/x")).build();
        assertEquals(List.of("v/f"), listing.objects().stream().map(ObjectInfo::key).toList());
        assertEquals(List.of("f"), listing.subdirectories());
    }

    @Test
    void emptySegmentsAndKeysOutsideThePrefixShowNothing() {
        var listing = new DirectoryListing.Builder("v/")
                .addObject(info("v//x"))
                .addCommonPrefix("v//")
                .addObject(info("w/other"))
                .addCommonPrefix("w/")
                .build();
        assertEquals(new DirectoryListing(List.of(), List.of()), listing);
    }

    @Test
    void subdirectoriesSortByCodePoint() {
        var listing = new DirectoryListing.Builder("")
                .addCommonPrefix("\uD83D\uDE00/").addCommonPrefix("\uFF5E/").addCommonPrefix("a b/").build();
        assertEquals(List.of("a b", "\uFF5E", "\uD83D\uDE00"), listing.subdirectories());
    }

    @Test
    void aPrefixMustBeEmptyOrEndWithASlash() {
        assertThrows(IllegalArgumentException.class, () -> new DirectoryListing.Builder("v"));
        assertThrows(IllegalArgumentException.class, () -> new DirectoryListing.Builder(null));
        new DirectoryListing.Builder("");
        new DirectoryListing.Builder("v/w/");
    }

    private static ObjectInfo info(String key) {
        return new ObjectInfo(key, 1, "etag", Instant.EPOCH, Map.of());
    }
}
