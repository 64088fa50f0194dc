package io.cloudsync.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Volumes in the real engine. Creation goes through docker-java, as a program using the Engine API would do it;
 * inspection goes through the CLI, because docker-java's volume model has no {@code Status} field and "docker
 * volume inspect" is what a user reads.
 */
public final class Volumes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);

    private Volumes() {
    }

    /** Creates volume {@code name} with {@code driver} and options through the Engine API. */
    public static void create(String name, String driver, Map<String, String> options) {
        DockerHost.client().createVolumeCmd().withName(name).withDriver(driver).withDriverOpts(options).exec();
    }

    /** "docker volume create -d DRIVER -o K=V ... NAME" through the CLI, whatever its outcome. */
    public static Command.Result createWithCli(String name, String driver, Map<String, String> options) {
        var argv = new ArrayList<>(List.of("volume", "create", "-d", driver));
        options.forEach((k, v) -> {
            argv.add("-o");
            argv.add(k + "=" + v);
        });
        argv.add(name);
        return Command.docker(argv.toArray(String[]::new)).timeout(CLI_TIMEOUT).run();
    }

    /** "docker volume inspect NAME", whatever its outcome. */
    public static Command.Result inspectWithCli(String name) {
        return Command.docker("volume", "inspect", name).timeout(CLI_TIMEOUT).run();
    }

    /** The one object "docker volume inspect NAME" prints; fails if the command fails. */
    public static JsonNode inspect(String name) {
        Command.Result result = inspectWithCli(name);
        if (result.exitCode() != 0) {
            throw new AssertionError(result.describe());
        }
        try {
            JsonNode array = JSON.readTree(result.stdout());
            if (!array.isArray() || array.size() != 1) {
                throw new AssertionError("docker volume inspect " + name + " printed no single volume: " + result.stdout());
            }
            return array.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("docker volume inspect " + name + " printed no JSON: " + result.stdout(), e);
        }
    }

    /** "docker volume rm NAME", whatever its outcome. */
    public static Command.Result removeWithCli(String name) {
        return Command.docker("volume", "rm", name).timeout(CLI_TIMEOUT).run();
    }

    /** The names of all volumes the engine lists (asking every plugin). */
    public static List<String> names() {
        List<InspectVolumeResponse> volumes = DockerHost.client().listVolumesCmd().exec().getVolumes();
        return volumes == null ? List.of() : volumes.stream().map(InspectVolumeResponse::getName).toList();
    }
}
