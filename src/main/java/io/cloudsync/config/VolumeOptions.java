package io.cloudsync.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one volume, from "docker volume create -o key=value", validated. {@link #toMap()} gives the
 * canonical form that is persisted and compared when a create is repeated.
 *
 * @param bucket         bucket holding the volume's objects
 * @param prefix         key prefix of the volume inside the bucket, without leading or trailing '/'; empty = bucket root
 * @param writebackDelay how long after the last change a file is uploaded
 * @param cacheMaxSize   bound of the local cache in bytes
 * @param readOnly       the volume refuses writes
 * @param createBucket   create the bucket if it does not exist
 * @param defaults       owner and modes of objects that carry none (options uid, gid, file-mode, dir-mode)
 * @param refreshInterval how old a directory's listing may get before a look at it lists it again (0: never)
 */
public record VolumeOptions(String bucket, String prefix, Duration writebackDelay, long cacheMaxSize,
                            boolean readOnly, boolean createBucket, ObjectDefaults defaults,
                            Duration refreshInterval) {

    public static final String BUCKET = "bucket";
    public static final String PREFIX = "prefix";
    public static final String WRITEBACK_DELAY = "writeback-delay";
    public static final String CACHE_MAX_SIZE = "cache-max-size";
    public static final String READ_ONLY = "read-only";
    public static final String CREATE_BUCKET = "create-bucket";
    public static final String UID = "uid";
    public static final String GID = "gid";
    public static final String FILE_MODE = "file-mode";
    public static final String DIR_MODE = "dir-mode";
    public static final String REFRESH_INTERVAL = "refresh-interval";
    public static final List<String> NAMES = List.of(BUCKET, PREFIX, WRITEBACK_DELAY, CACHE_MAX_SIZE, READ_ONLY,
            CREATE_BUCKET, UID, GID, FILE_MODE, DIR_MODE, REFRESH_INTERVAL);
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    public static final Duration DEFAULT_WRITEBACK_DELAY = Duration.ofSeconds(2);
    public static final long DEFAULT_CACHE_MAX_SIZE = 10L << 30;
    private static final long MIN_CACHE_SIZE = 16L << 20;
    private static final Duration MAX_WRITEBACK_DELAY = Duration.ofHours(24);
    private static final int MAX_PREFIX_BYTES = 512;

    /** Validates {@code options} of volume {@code volumeName}; the bucket falls back to the plugin's default bucket. */
    public static VolumeOptions parse(String volumeName, Map<String, String> options, String defaultBucket)
            throws InvalidOptionException {
        Map<String, String> opts = options == null ? Map.of() : options;
        for (String key : opts.keySet()) {
            if (!NAMES.contains(key)) {
                throw new InvalidOptionException("unknown option '" + key + "'; valid options are: " + String.join(", ", NAMES));
            }
        }
        String bucket = opts.getOrDefault(BUCKET, defaultBucket == null ? "" : defaultBucket).trim();
        if (bucket.isEmpty()) {
            throw new InvalidOptionException("option 'bucket' is required (no default bucket is set; give -o bucket=NAME, "
                    + "or set one with: docker plugin set <plugin> CLOUDSYNC_DEFAULT_BUCKET=NAME)");
        }
        BucketNames.validate(bucket);
        String prefix = opts.containsKey(PREFIX) ? normalizePrefix(opts.get(PREFIX)) : volumeName;
        Duration delay = opts.containsKey(WRITEBACK_DELAY)
                ? OptionValues.duration(WRITEBACK_DELAY, opts.get(WRITEBACK_DELAY)) : DEFAULT_WRITEBACK_DELAY;
        if (delay.compareTo(MAX_WRITEBACK_DELAY) > 0) {
            throw new InvalidOptionException("option 'writeback-delay' must be at most 24h, got '" + opts.get(WRITEBACK_DELAY) + "'");
        }
        long cacheMax = opts.containsKey(CACHE_MAX_SIZE)
                ? OptionValues.size(CACHE_MAX_SIZE, opts.get(CACHE_MAX_SIZE)) : DEFAULT_CACHE_MAX_SIZE;
        if (cacheMax < MIN_CACHE_SIZE) {
            throw new InvalidOptionException("option 'cache-max-size' must be at least 16MiB, got '" + opts.get(CACHE_MAX_SIZE) + "'");
        }
        boolean readOnly = opts.containsKey(READ_ONLY) && OptionValues.bool(READ_ONLY, opts.get(READ_ONLY));
        boolean createBucket = opts.containsKey(CREATE_BUCKET) && OptionValues.bool(CREATE_BUCKET, opts.get(CREATE_BUCKET));
        ObjectDefaults standard = ObjectDefaults.STANDARD;
        ObjectDefaults defaults = new ObjectDefaults(
                opts.containsKey(UID) ? OptionValues.id(UID, opts.get(UID)) : standard.uid(),
                opts.containsKey(GID) ? OptionValues.id(GID, opts.get(GID)) : standard.gid(),
                opts.containsKey(FILE_MODE) ? OptionValues.mode(FILE_MODE, opts.get(FILE_MODE)) : standard.fileMode(),
                opts.containsKey(DIR_MODE) ? OptionValues.mode(DIR_MODE, opts.get(DIR_MODE)) : standard.dirMode());
        Duration refresh = opts.containsKey(REFRESH_INTERVAL)
                ? OptionValues.duration(REFRESH_INTERVAL, opts.get(REFRESH_INTERVAL)) : DEFAULT_REFRESH_INTERVAL;
        return new VolumeOptions(bucket, prefix, delay, cacheMax, readOnly, createBucket, defaults, refresh);
    }

    /** Strips surrounding '/'; refuses a leading '/', '..' or '.' segments, empty segments and control characters. */
    private static String normalizePrefix(String raw) throws InvalidOptionException {
        String p = raw.trim();
        if (p.startsWith("/")) {
            throw new InvalidOptionException("option 'prefix' must not begin with '/', got '" + raw + "'");
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        if (p.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
            throw new InvalidOptionException("option 'prefix' is longer than " + MAX_PREFIX_BYTES + " bytes");
        }
        for (String segment : p.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidOptionException("option 'prefix' must not contain '" + segment + "' path segments, got '" + raw + "'");
            }
            if (segment.isEmpty()) {
                throw new InvalidOptionException("option 'prefix' must not contain empty segments ('//'), got '" + raw + "'");
            }
        }
        if (p.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidOptionException("option 'prefix' must not contain control characters");
        }
        return p;
    }

    /** The key of a volume-relative path ("a/b.txt") in the bucket. */
    public String keyOf(String relativePath) {
        return prefix.isEmpty() ? relativePath : prefix + "/" + relativePath;
    }

    /** Canonical string form, as persisted in the registry and shown in the volume's status. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(BUCKET, bucket);
        m.put(PREFIX, prefix);
        m.put(WRITEBACK_DELAY, writebackDelay.toMillis() + "ms");
        m.put(CACHE_MAX_SIZE, Long.toString(cacheMaxSize));
        m.put(READ_ONLY, Boolean.toString(readOnly));
        m.put(CREATE_BUCKET, Boolean.toString(createBucket));
        // Only when not the standard ones: volumes created before these options existed keep an equal form.
        ObjectDefaults standard = ObjectDefaults.STANDARD;
        if (defaults.uid() != standard.uid()) {
            m.put(UID, Integer.toUnsignedString(defaults.uid()));
        }
        if (defaults.gid() != standard.gid()) {
            m.put(GID, Integer.toUnsignedString(defaults.gid()));
        }
        if (defaults.fileMode() != standard.fileMode()) {
            m.put(FILE_MODE, String.format("%04o", defaults.fileMode()));
        }
        if (defaults.dirMode() != standard.dirMode()) {
            m.put(DIR_MODE, String.format("%04o", defaults.dirMode()));
        }
        if (!refreshInterval.equals(DEFAULT_REFRESH_INTERVAL)) {
            m.put(REFRESH_INTERVAL, refreshInterval.toMillis() + "ms");
        }
        return m;
    }
}
