package io.cloudsync.bench;

import io.cloudsync.store.minio.MinioObjectStore;
import io.cloudsync.store.minio.S3Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * W10's bucket of many objects, made without S3: S3Proxy's {@code filesystem-nio2} backend serves object
 * BUCKET/KEY from the file DATA/BUCKET/KEY and lists a bucket by walking its directories (a delimited listing
 * reads one directory; a directory is a common prefix). Object metadata lives in extended attributes of the file,
 * which S3Proxy names {@code user.content-md5} (the raw 16 bytes of the MD5, which becomes the ETag),
 * {@code user.content-type}, {@code user.user-metadata.NAME}, and Java's attribute view stores with one more
 * "user." ({@code getfattr} shows {@code user.user.content-md5}). A file without them is still listed and served,
 * but with no ETag, which S3 clients do not expect. So every file made here is empty and carries the empty content's MD5 (and a content type).
 *
 * <p>Usage:
 * <ul>
 *   <li>{@code BenchObjects tree DIR NDIRS FILES_PER_DIR ROOT_FILES}: DIR/dI/fJ and DIR/rK, each with the
 *       attribute (DIR is DATA/BUCKET/PREFIX);</li>
 *   <li>{@code BenchObjects shape DIR NDIRS FILES_PER_DIR ROOT_FILES SAMPLE_INDEX}: the same root, plain files,
 *       and only directory dSAMPLE_INDEX filled (the local driver's comparable: a root of the same shape);</li>
 *   <li>{@code BenchObjects check ENDPOINT ACCESS_KEY BUCKET PREFIX SAMPLE_DIR} (secret key in S3_SECRET): lists
 *       the root and SAMPLE_DIR through S3 with the project's store and prints
 *       "ROOT_OBJECTS ROOT_DIRS SAMPLE_OBJECTS ETAG_OF_ONE".</li>
 * </ul>
 * Prints what it made and how long it took on stderr.
 */
public final class BenchObjects {

    // As S3Proxy names them to Java's attribute view (on disk: user.user.content-md5, user.user.content-type).
    private static final String MD5_ATTRIBUTE = "user.content-md5";
    private static final String TYPE_ATTRIBUTE = "user.content-type";

    private BenchObjects() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage();
        }
        switch (args[0]) {
            case "tree" -> {
                if (args.length != 5) {
                    usage();
                }
                make(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), -1, true);
            }
            case "shape" -> {
                if (args.length != 6) {
                    usage();
                }
                make(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), Integer.parseInt(args[5]), false);
            }
            case "check" -> {
                if (args.length != 6) {
                    usage();
                }
                check(args[1], args[2], args[3], args[4], args[5]);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: BenchObjects tree DIR NDIRS FILES_PER_DIR ROOT_FILES\n"
                + "       BenchObjects shape DIR NDIRS FILES_PER_DIR ROOT_FILES SAMPLE_INDEX\n"
                + "       BenchObjects check ENDPOINT ACCESS_KEY BUCKET PREFIX SAMPLE_DIR (secret key in S3_SECRET)");
        System.exit(2);
    }

    /**
     * Makes the tree; with {@code sampleOnly} >= 0 only directory d{sampleOnly} gets its files. Directories are
     * filled by two threads: creating a file is a few system calls, and the machines have two cores.
     */
    private static void make(Path dir, int ndirs, int perDir, int rootFiles, int sampleOnly, boolean withEtag)
            throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(dir);
        ByteBuffer md5 = ByteBuffer.wrap(emptyMd5()).asReadOnlyBuffer();
        fill(dir, "r", rootFiles, withEtag ? md5 : null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int d = 0; d < ndirs; d++) {
                Path sub = dir.resolve("d" + d);
                int files = sampleOnly < 0 || sampleOnly == d ? perDir : 0;
                done.add(pool.submit(() -> {
                    Files.createDirectory(sub);
                    fill(sub, "f", files, withEtag ? md5 : null);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long made = rootFiles + (long) (sampleOnly < 0 ? ndirs : Math.min(1, ndirs)) * perDir;
        System.err.printf("made %d files in %d directories under %s in %.1f s%n", made, ndirs, dir,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * N empty files NAME0..NAME{N-1} in DIR, each with the empty content's MD5 when one is given. The first is
     * made, the others are hard links to it: one system call a file instead of four, and they share its
     * attributes (at most a directory's worth of links an inode, far under ext4's limit of 65,000).
     */
    private static void fill(Path dir, String name, int n, ByteBuffer md5) throws IOException {
        if (n == 0) {
            return;
        }
        Path first = Files.createFile(dir.resolve(name + 0));
        if (md5 != null) {
            var view = Files.getFileAttributeView(first, UserDefinedFileAttributeView.class);
            if (view == null) {
                throw new IOException("the file system of " + dir + " has no extended attributes");
            }
            view.write(MD5_ATTRIBUTE, md5.duplicate());
            view.write(TYPE_ATTRIBUTE, ByteBuffer.wrap("application/octet-stream".getBytes(StandardCharsets.US_ASCII)));
        }
        for (int i = 1; i < n; i++) {
            Files.createLink(dir.resolve(name + i), first);
        }
    }

    private static byte[] emptyMd5() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("MD5").digest(new byte[0]);
    }

    /** What S3 shows of the tree: a delimited listing of the root and of one directory, as a plugin makes them. */
    private static void check(String endpointUrl, String accessKey, String bucket, String prefix, String sampleDir)
            throws Exception {
        String secret = System.getenv("S3_SECRET");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the environment variable S3_SECRET (the secret key) is not set");
        }
        var endpoint = S3Endpoint.of(endpointUrl, S3Endpoint.DEFAULT_REGION, accessKey, secret);
        try (var store = MinioObjectStore.open(endpoint, bucket)) {
            long start = System.nanoTime();
            var root = store.listDirectory(prefix + "/");
            var sample = store.listDirectory(prefix + "/" + sampleDir + "/");
            // A HEAD, as a plugin sends for an object's attributes: the ETag comes from the file's attribute.
            String etag = sample.objects().isEmpty() ? "none"
                    : store.stat(sample.objects().getFirst().key()).map(i -> i.etag()).orElse("none");
            System.err.printf("listed %s/ and %s/%s/ through S3 in %.2f s%n", prefix, prefix, sampleDir,
                    (System.nanoTime() - start) / 1e9);
            System.out.println(root.objects().size() + " " + root.subdirectories().size() + " "
                    + sample.objects().size() + " " + (etag == null || etag.isEmpty() ? "none" : etag));
        }
    }
}
