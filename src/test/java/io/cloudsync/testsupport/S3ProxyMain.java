package io.cloudsync.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link S3ProxyServer} as a process until it is killed, for the demo and the benchmarks (run with the
 * test classpath: {@code java -cp ... io.cloudsync.testsupport.S3ProxyMain --port 9000 --data DIR}).
 *
 * <p>Options: {@code --port N} (default 9000; 0 picks a free one), {@code --data DIR} (required), {@code
 * --access-key K} and {@code --secret-key S} (default: the test credentials; the secret may also come from the
 * environment variable S3PROXY_SECRET_KEY so that it is not on the command line), {@code --ready-file FILE}
 * (written with the endpoint URL once the server listens, for scripts that wait for it). Prints
 * "S3Proxy listening on http://127.0.0.1:N" when ready; stops cleanly on SIGTERM / SIGINT.
 */
public final class S3ProxyMain {

    private S3ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 9000;
        Path data = null;
        Path readyFile = null;
        String accessKey = S3ProxyServer.ACCESS_KEY;
        String secretKey = System.getenv().getOrDefault("S3PROXY_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                usage("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> port = Integer.parseInt(value);
                case "--data" -> data = Path.of(value);
                case "--access-key" -> accessKey = value;
                case "--secret-key" -> secretKey = value;
                case "--ready-file" -> readyFile = Path.of(value);
                default -> usage("unknown option " + option);
            }
        }
        if (data == null) {
            usage("--data DIR is required");
        }
        S3ProxyServer server = S3ProxyServer.startNew(data, port, accessKey, secretKey);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "s3proxy-shutdown"));
        if (readyFile != null) {
            Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(tmp, server.endpoint() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, readyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("S3Proxy listening on " + server.endpoint() + " (data in " + data.toAbsolutePath()
                + ", access key " + accessKey + ")");
        System.out.flush();
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("S3ProxyMain: " + problem);
        System.err.println("usage: S3ProxyMain --data DIR [--port N] [--access-key K] [--secret-key S]"
                + " [--ready-file FILE]");
        System.exit(2);
    }
}
