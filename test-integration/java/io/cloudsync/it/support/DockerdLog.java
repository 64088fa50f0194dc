package io.cloudsync.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * dockerd's log, where the engine copies a managed plugin's stdout and stderr, each line tagged
 * {@code plugin=<full id>}. Found, in this order: -Dcloudsync.it.dockerd-log or CLOUDSYNC_DOCKERD_LOG, the file
 * scripts/setup.sh writes when it starts dockerd, the usual files, and systemd's journal for docker.service.
 */
public final class DockerdLog {

    public static final String PROPERTY = "cloudsync.it.dockerd-log";
    public static final String ENV = "CLOUDSYNC_DOCKERD_LOG";
    /** Where scripts/setup.sh sends dockerd's output when it starts the daemon itself. */
    public static final Path SETUP_LOG = Path.of("/var/lib/cloudsync-dev/dockerd.log");
    private static final List<Path> USUAL_FILES = List.of(Path.of("/var/log/dockerd.log"), Path.of("/var/log/docker.log"));

    private final Optional<Path> file;

    private DockerdLog(Optional<Path> file) {
        this.file = file;
    }

    /** The log of the running daemon; fails with what was tried when there is none to read. */
    public static DockerdLog locate() {
        String given = System.getProperty(PROPERTY, System.getenv().getOrDefault(ENV, "")).trim();
        if (!given.isEmpty()) {
            return new DockerdLog(Optional.of(Path.of(given)));
        }
        Optional<Path> known = Stream.concat(Stream.of(SETUP_LOG), USUAL_FILES.stream())
                .filter(Files::isRegularFile).findFirst();
        if (known.isPresent()) {
            return new DockerdLog(known);
        }
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            return new DockerdLog(Optional.empty());
        }
        throw new AssertionError("cannot find dockerd's log: tried " + SETUP_LOG + ", " + USUAL_FILES
                + " and systemd's journal; name it with -D" + PROPERTY + "=FILE or " + ENV + "=FILE");
    }

    /** Every line that contains {@code tag}, oldest first. */
    public List<String> linesTaggedWith(String tag) {
        return allLines().stream().filter(line -> line.contains(tag)).toList();
    }

    private List<String> allLines() {
        if (file.isPresent()) {
            try {
                // dockerd may write lines that are not valid UTF-8 (a plugin's raw output): decode leniently.
                return new String(Files.readAllBytes(file.get()), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dockerd's log " + file.get(), e);
            }
        }
        return Command.of("journalctl", "-u", "docker.service", "--no-pager", "-o", "cat")
                .timeout(Duration.ofSeconds(60)).check().stdout().lines().toList();
    }

    @Override
    public String toString() {
        return "DockerdLog[" + file.map(Path::toString).orElse("journal of docker.service") + "]";
    }
}
