package io.cloudsync.it.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Restarts dockerd, but only the one scripts/setup.sh started: that script records its PID in
 * {@link #SETUP_PIDFILE}. A daemon started any other way (systemd, a person) belongs to someone else and is
 * never touched. The restart stops that PID and runs the setup script again, which starts dockerd the way it
 * did the first time and writes the new PID.
 */
public final class DockerDaemon {

    public static final Path SETUP_PIDFILE = Path.of("/var/lib/cloudsync-dev/dockerd.pid");
    public static final String SETUP_SCRIPT = "scripts/setup.sh";
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);

    private DockerDaemon() {
    }

    /** The PID of the dockerd the setup script started, or why there is none we may restart. */
    public static Optional<Long> setupStartedPid(StringBuilder whyNot) {
        if (!Files.isRegularFile(SETUP_PIDFILE)) {
            whyNot.append("dockerd was not started by ").append(SETUP_SCRIPT).append(" (no ").append(SETUP_PIDFILE).append(')');
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(SETUP_PIDFILE, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            whyNot.append("cannot read a PID from ").append(SETUP_PIDFILE).append(": ").append(e.getMessage());
            return Optional.empty();
        }
        Optional<String> command = ProcessHandle.of(pid).flatMap(p -> p.info().command());
        if (command.isEmpty() || !command.get().endsWith("dockerd")) {
            whyNot.append(SETUP_PIDFILE).append(" names PID ").append(pid).append(", which is not a running dockerd (")
                    .append(command.orElse("no such process")).append(')');
            return Optional.empty();
        }
        return Optional.of(pid);
    }

    /** Stops the setup-started dockerd by its PID, starts it again with the setup script, waits until it answers. */
    public static void restart(long pid) {
        ProcessHandle daemon = ProcessHandle.of(pid)
                .orElseThrow(() -> new AssertionError("dockerd PID " + pid + " is gone before the restart"));
        daemon.destroy();
        try {
            daemon.onExit().get(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("dockerd (PID " + pid + ") did not stop within " + STOP_DEADLINE + " of SIGTERM", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for dockerd to stop failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dockerd to stop", e);
        }
        // The daemon inherits the script's environment: leave it as a login shell would have it.
        Command.of("bash", SETUP_SCRIPT).directory(PluginPackage.projectRoot()).unsetEnv("DOCKER_HOST")
                .timeout(START_DEADLINE).check();
        await("dockerd answers 'docker info' again").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> Command.docker("info", "--format", "{{.ID}}").timeout(Duration.ofSeconds(20)).run().exitCode() == 0);
    }

}
