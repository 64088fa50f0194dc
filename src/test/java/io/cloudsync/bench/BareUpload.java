package io.cloudsync.bench;

import io.cloudsync.store.minio.MinioObjectStore;
import io.cloudsync.store.minio.S3Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The baseline of W1's durability figure: one file uploaded by a bare MinIO client (the project's
 * {@link MinioObjectStore}, default tuning) to the benchmark's S3 server. Prints the upload's seconds.
 *
 * <p>Usage: {@code BareUpload ENDPOINT ACCESS_KEY BUCKET KEY FILE}, secret key in the environment variable
 * S3_SECRET (never on a command line). A small object goes up first, untimed, so that class loading and the
 * first connection are not counted: the plugin it is compared with is a warm process.
 */
public final class BareUpload {

    private BareUpload() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: BareUpload ENDPOINT ACCESS_KEY BUCKET KEY FILE (secret key in S3_SECRET)");
            System.exit(2);
        }
        String secret = System.getenv("S3_SECRET");
        if (secret == null || secret.isEmpty()) {
            System.err.println("BareUpload: the environment variable S3_SECRET (the secret key) is not set");
            System.exit(2);
        }
        var endpoint = S3Endpoint.of(args[0], S3Endpoint.DEFAULT_REGION, args[1], secret);
        String key = args[3];
        Path file = Path.of(args[4]);
        try (var store = MinioObjectStore.open(endpoint, args[2])) {
            store.putBytes(key + ".warmup", "warm-up".getBytes(StandardCharsets.UTF_8), Map.of());
            store.delete(key + ".warmup");
            long start = System.nanoTime();
            var info = store.putFile(key, file, Map.of());
            double seconds = (System.nanoTime() - start) / 1e9;
            System.err.println("uploaded " + info.size() + " bytes to " + store.describe() + " as " + key);
            System.out.println(String.format(Locale.ROOT, "%.3f", seconds));
        }
    }
}
