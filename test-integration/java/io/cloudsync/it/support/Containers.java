package io.cloudsync.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the local busybox image ({@link DockerHost#BUSYBOX_IMAGE}) with a volume mounted at {@link #MOUNT_PATH}
 * and a shell script as its command, through docker-java. Containers have no network and carry the label
 * {@value #LABEL}, and are removed when their run is over.
 */
public final class Containers {

    public static final String MOUNT_PATH = "/data";
    public static final String LABEL = "io.cloudsync.it";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private Containers() {
    }

    /** What a finished container did. */
    public record Run(String containerId, int exitCode, String stdout, String stderr) {

        public String describe() {
            return "container " + containerId + " exited with " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }

        /** Fails with the container's output unless it exited with 0; returns this run for chaining. */
        public Run assertSucceeded() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }
    }

    /** Runs {@code script} with {@code volume} at /data, waits for the exit, removes the container. */
    public static Run run(String volume, String script) {
        return run(DockerHost.BUSYBOX_IMAGE, volume, script);
    }

    /** As {@link #run(String, String)}, in {@code image} (a local one, such as {@link DockerHost#SQLITE_IMAGE}). */
    public static Run run(String image, String volume, String script) {
        String id = create(image, volume, script);
        DockerClient docker = DockerHost.client();
        try {
            docker.startContainerCmd(id).exec();
            Integer exitCode = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            var out = new StringBuilder();
            var err = new StringBuilder();
            collectLogs(id, out, err);
            return new Run(id, exitCode, out.toString(), err.toString());
        } finally {
            remove(id);
        }
    }

    /**
     * Starts {@code script} with {@code volume} at /data and returns at once with the container id; the
     * caller removes it with {@link #remove}. Use a script that runs until stopped, such as "sleep 600".
     */
    public static String start(String volume, String script) {
        String id = create(DockerHost.BUSYBOX_IMAGE, volume, script);
        try {
            DockerHost.client().startContainerCmd(id).exec();
            return id;
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
    }

    /** What a container started with {@link #start} has printed so far, stdout and stderr. */
    public static Run logsSoFar(String containerId) {
        var out = new StringBuilder();
        var err = new StringBuilder();
        collectLogs(containerId, out, err);
        var state = DockerHost.client().inspectContainerCmd(containerId).exec().getState();
        Long exitCode = state.getExitCodeLong();
        return new Run(containerId, Boolean.TRUE.equals(state.getRunning()) || exitCode == null ? -1 : exitCode.intValue(),
                out.toString(), err.toString());
    }

    /** Whether a container started with {@link #start} is still running. */
    public static boolean isRunning(String containerId) {
        return Boolean.TRUE.equals(DockerHost.client().inspectContainerCmd(containerId).exec().getState().getRunning());
    }

    /** Kills and removes a container; nothing happens if it is gone already. */
    public static void remove(String containerId) {
        try {
            DockerHost.client().removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException e) {
            // Already removed: the goal is reached.
        }
    }

    private static String create(String image, String volume, String script) {
        var mount = new Mount().withType(MountType.VOLUME).withSource(volume).withTarget(MOUNT_PATH);
        return DockerHost.client().createContainerCmd(image)
                .withCmd("/bin/sh", "-c", script)
                .withLabels(Map.of(LABEL, "true"))
                .withHostConfig(HostConfig.newHostConfig().withMounts(java.util.List.of(mount)).withNetworkMode("none"))
                .exec()
                .getId();
    }

    private static void collectLogs(String id, StringBuilder out, StringBuilder err) {
        try {
            DockerHost.client().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
                            (frame.getStreamType() == StreamType.STDERR ? err : out).append(text);
                        }
                    })
                    .awaitCompletion(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the logs of container " + id, e);
        }
    }
}
