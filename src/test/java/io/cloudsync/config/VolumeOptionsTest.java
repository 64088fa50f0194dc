package io.cloudsync.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeOptionsTest {

    private static String error(Map<String, String> opts) {
        return assertThrows(InvalidOptionException.class, () -> VolumeOptions.parse("vol", opts, "")).getMessage();
    }

    @Test
    void defaultsAreTheVolumeNameAsPrefixAndTwoSecondsDelay() throws Exception {
        VolumeOptions o = VolumeOptions.parse("photos-vol", Map.of("bucket", "photos"), "");
        assertEquals("photos", o.bucket());
        assertEquals("photos-vol", o.prefix());
        assertEquals(Duration.ofSeconds(2), o.writebackDelay());
        assertEquals(10L << 30, o.cacheMaxSize());
        assertFalse(o.readOnly());
        assertEquals("photos-vol/a/b.txt", o.keyOf("a/b.txt"));
    }

    @Test
    void everyOptionIsParsed() throws Exception {
        VolumeOptions o = VolumeOptions.parse("v", Map.of("bucket", "b-1.x", "prefix", "team/data/", "writeback-delay", "500ms",
                "cache-max-size", "512MiB", "read-only", "true", "create-bucket", "yes"), "");
        assertEquals("team/data", o.prefix());
        assertEquals(Duration.ofMillis(500), o.writebackDelay());
        assertEquals(512L << 20, o.cacheMaxSize());
        assertTrue(o.readOnly());
        assertTrue(o.createBucket());
    }

    @Test
    void anEmptyPrefixMeansTheBucketRoot() throws Exception {
        VolumeOptions o = VolumeOptions.parse("v", Map.of("bucket", "bkt", "prefix", ""), "");
        assertEquals("a.txt", o.keyOf("a.txt"));
    }

    @Test
    void theDefaultBucketIsUsedWhenNoneIsGiven() throws Exception {
        assertEquals("fallback", VolumeOptions.parse("v", Map.of(), "fallback").bucket());
    }

    @Test
    void aMissingBucketSaysHowToGiveOne() {
        String m = error(Map.of());
        assertTrue(m.contains("'bucket' is required") && m.contains("CLOUDSYNC_DEFAULT_BUCKET"), m);
    }

    @Test
    void anUnknownOptionListsTheValidOnes() {
        String m = error(Map.of("bucket", "bkt", "colour", "blue"));
        assertTrue(m.contains("unknown option 'colour'"), m);
        assertTrue(m.contains("bucket, prefix, writeback-delay, cache-max-size, read-only, create-bucket"), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ab|3 to 63 characters",
            "Photos|lower-case letters",
            "my_bucket|lower-case letters",
            "-bucket|begin and end",
            "a..b|two adjacent dots",
            "192.168.1.1|IP address",
            "xn--bucket|xn--",
            "bucket-s3alias|-s3alias"})
    void badBucketNamesAreRefusedWithTheRule(String bucket, String rule) {
        String m = error(Map.of("bucket", bucket));
        assertTrue(m.contains("invalid bucket name '" + bucket + "'") && m.contains(rule), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../etc|'..'",
            "a/../b|'..'",
            "a/./b|'.'",
            "/abs|must not begin with '/'",
            "a//b|empty segments"})
    void badPrefixesAreRefused(String prefix, String why) {
        String m = error(Map.of("bucket", "bkt", "prefix", prefix));
        assertTrue(m.contains("option 'prefix'") && m.contains(why), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "writeback-delay|soon|must be a duration",
            "writeback-delay|-1s|must be a duration",
            "writeback-delay|48h|at most 24h",
            "cache-max-size|big|must be a size",
            "cache-max-size|1M|at least 16MiB",
            "read-only|maybe|must be true or false",
            "uid|-1|numeric id from 0 to 4294967294",
            "uid|4294967295|numeric id from 0 to 4294967294",
            "gid|staff|numeric id",
            "file-mode|rw-r--r--|octal permission bits",
            "file-mode|888|octal permission bits",
            "dir-mode|17777|octal permission bits"})
    void badValuesNameTheOptionAndTheExpectedForm(String option, String value, String why) {
        String m = error(Map.of("bucket", "bkt", option, value));
        assertTrue(m.contains("'" + option + "'") && m.contains(why), m);
    }

    @Test
    void theCanonicalFormRoundTrips() throws Exception {
        VolumeOptions o = VolumeOptions.parse("v", Map.of("bucket", "bkt", "writeback-delay", "0", "cache-max-size", "1g"), "");
        assertEquals(o, VolumeOptions.parse("v", o.toMap(), ""));
    }

    @Test
    void ownerAndModesOfForeignObjectsAreOptionsWithS3fsLikeDefaults() throws Exception {
        VolumeOptions standard = VolumeOptions.parse("v", Map.of("bucket", "bkt"), "");
        assertEquals(new ObjectDefaults(0, 0, 0644, 0755), standard.defaults());
        assertFalse(standard.toMap().containsKey("uid"), "volumes made before these options keep their canonical form");
        VolumeOptions o = VolumeOptions.parse("v", Map.of("bucket", "bkt", "uid", "1000", "gid", "4294967294",
                "file-mode", "640", "dir-mode", "2775"), "");
        assertEquals(new ObjectDefaults(1000, -2, 0640, 02775), o.defaults());
        assertEquals(o, VolumeOptions.parse("v", o.toMap(), ""));
    }

    @Test
    void refreshIntervalIsThirtySecondsByDefaultAndZeroTurnsItOff() throws Exception {
        assertEquals(Duration.ofSeconds(30), VolumeOptions.parse("v", Map.of("bucket", "bkt"), "").refreshInterval());
        assertEquals(Duration.ZERO,
                VolumeOptions.parse("v", Map.of("bucket", "bkt", "refresh-interval", "0"), "").refreshInterval());
        assertEquals(Duration.ofMinutes(5),
                VolumeOptions.parse("v", Map.of("bucket", "bkt", "refresh-interval", "5m"), "").refreshInterval());
        String m = error(Map.of("bucket", "bkt", "refresh-interval", "often"));
        assertTrue(m.contains("'refresh-interval'") && m.contains("must be a duration"), m);
    }
}
