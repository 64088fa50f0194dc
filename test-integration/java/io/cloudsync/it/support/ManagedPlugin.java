package io.cloudsync.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import io.cloudsync.config.PluginSettings;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cloudsync plugin installed in the real engine for a test: made with "docker plugin create" from the
 * run's {@link PluginPackage}, or with "docker plugin install" from a registry. Every plugin has its own name
 * and its own state directory (the {@code state} bind mount of config.json), so tests never share journals or
 * registries. Plugin operations go through the docker CLI because the engine API's plugin create takes a tar
 * stream that docker-java does not offer.
 *
 * <p>{@link #close()} always removes what the plugin left: its volumes in Docker's list, the plugin itself and
 * its state directory. A JVM shutdown hook does the same for plugins a crashed test did not close.
 */
public final class ManagedPlugin implements AutoCloseable {

    /** The name of the state bind mount in config.json, whose source each test plugin gets fresh. */
    public static final String STATE_MOUNT = "state";
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path stateDir;
    private final String socketName;
    private final Thread cleanupHook;
    private volatile boolean closed;
    private volatile StateMount stateMount;

    private ManagedPlugin(String name, Path stateDir, String socketName) {
        this.name = name;
        this.stateDir = stateDir;
        this.socketName = socketName;
        this.cleanupHook = new Thread(this::removeQuietly, "remove-plugin-" + name);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** A plugin name unique to this run: "cloudsync-it-PURPOSE-xxxxxxxx". */
    public static String uniqueName(String purpose) {
        return UniqueNames.of("cloudsync-it-" + purpose);
    }

    /** The settings that point a plugin at {@code s3} (endpoint, region, keys) with debug logging. */
    public static Map<String, String> settingsFor(S3ProxyServer s3) {
        return settingsFor(s3.endpoint(), s3.accessKey(), s3.secretKey());
    }

    public static Map<String, String> settingsFor(String endpoint, String accessKey, String secretKey) {
        var settings = new LinkedHashMap<String, String>();
        settings.put(PluginSettings.ENDPOINT, endpoint);
        settings.put(PluginSettings.REGION, S3ProxyServer.REGION);
        settings.put(PluginSettings.ACCESS_KEY, accessKey);
        settings.put(PluginSettings.SECRET_KEY, secretKey);
        // The most verbose level: the secret-leak checks then read everything the plugin can log.
        settings.put(PluginSettings.LOG_LEVEL, "debug");
        return settings;
    }

    /**
     * A filesystem a test puts under the plugin's state directory (a small tmpfs, say): mounted before the
     * plugin is enabled, unmounted after it is removed and before the directory is deleted.
     */
    public interface StateMount {
        void mount(Path stateDir);

        void unmount(Path stateDir);
    }

    /** Creates plugin {@code name} from {@code pkg}, applies {@code settings} and a fresh state directory, enables it. */
    public static ManagedPlugin create(PluginPackage pkg, String name, Map<String, String> settings) {
        return create(pkg, name, settings, null);
    }

    /** As {@link #create(PluginPackage, String, Map)}, with {@code stateMount} (if not null) as the state directory. */
    public static ManagedPlugin create(PluginPackage pkg, String name, Map<String, String> settings,
                                       StateMount stateMount) {
        ManagedPlugin plugin = createDisabled(pkg, name);
        try {
            if (stateMount != null) {
                stateMount.mount(plugin.stateDir);
                plugin.stateMount = stateMount;
            }
            plugin.set(withState(settings, plugin.stateDir));
            plugin.enable();
            return plugin;
        } catch (RuntimeException | Error e) {
            plugin.close();
            throw e;
        }
    }

    /** Creates plugin {@code name} from {@code pkg} and leaves it disabled, without settings (for a push, say). */
    public static ManagedPlugin createDisabled(PluginPackage pkg, String name) {
        Path staged = pkg.stageFor(name);
        try {
            Command.docker("plugin", "create", name, staged.toString()).timeout(CLI_TIMEOUT).check();
            return new ManagedPlugin(name, newStateDir(name), socketName(pkg.configJson()));
        } finally {
            PluginPackage.deleteTree(staged);
        }
    }

    /**
     * Installs {@code remoteRef} (for example 127.0.0.1:PORT/name) with "docker plugin install
     * --grant-all-permissions", giving {@code settings} and a fresh state directory on the command line.
     * Install enables the plugin.
     */
    public static ManagedPlugin install(String remoteRef, String socketName, Map<String, String> settings) {
        Path stateDir = newStateDir(remoteRef);
        var argv = new ArrayList<>(List.of("plugin", "install", "--grant-all-permissions", remoteRef));
        withState(settings, stateDir).forEach((k, v) -> argv.add(k + "=" + v));
        Command.Result result = Command.docker(argv.toArray(String[]::new)).timeout(CLI_TIMEOUT).run();
        var plugin = new ManagedPlugin(remoteRef, stateDir, socketName);
        if (result.exitCode() != 0) {
            plugin.close();
            throw new AssertionError(result.describe());
        }
        return plugin;
    }

    /** The socket file name the package's config.json declares ("interface.socket"). */
    public static String socketName(String configJson) {
        try {
            JsonNode socket = JSON.readTree(configJson).path("interface").path("socket");
            if (!socket.isTextual() || socket.asText().isBlank()) {
                throw new AssertionError("config.json has no interface.socket: " + configJson);
            }
            return socket.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("config.json is not JSON", e);
        }
    }

    private static Map<String, String> withState(Map<String, String> settings, Path stateDir) {
        var all = new LinkedHashMap<>(settings);
        all.put(STATE_MOUNT + ".source", stateDir.toString());
        return all;
    }

    private static Path newStateDir(String pluginName) {
        try {
            return Files.createTempDirectory("cloudsync-it-state-" + pluginName.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for plugin " + pluginName, e);
        }
    }

    /** The plugin's name as given at create or install, without tag. */
    public String name() {
        return name;
    }

    /** The name volumes carry as their driver, and that compose files must give: "NAME:latest". */
    public String driverName() {
        return name + ":latest";
    }

    public Path stateDir() {
        return stateDir;
    }

    /** "docker plugin set NAME KEY=VALUE..." (the plugin must be disabled). */
    public void set(Map<String, String> settings) {
        var argv = new ArrayList<>(List.of("plugin", "set", name));
        settings.forEach((k, v) -> argv.add(k + "=" + v));
        Command.docker(argv.toArray(String[]::new)).timeout(CLI_TIMEOUT).check();
    }

    /** Enables the plugin; on failure the error carries the plugin's log lines, which say why it did not start. */
    public void enable() {
        Command.Result result = Command.docker("plugin", "enable", "--timeout", "60", name).timeout(CLI_TIMEOUT).run();
        if (result.exitCode() != 0) {
            throw new AssertionError(result.describe() + "\n--- plugin log\n" + String.join("\n", logLinesIfKnown()));
        }
    }

    /** "docker plugin disable -f": volumes that use the plugin do not prevent it. */
    public void disable() {
        Command.docker("plugin", "disable", "-f", name).timeout(CLI_TIMEOUT).check();
    }

    public boolean isEnabled() {
        return "true".equals(inspect("{{.Enabled}}"));
    }

    /** The full plugin id, which tags its log lines in dockerd's log and names its directory under /run/docker/plugins. */
    public String id() {
        return inspect("{{.Id}}");
    }

    /** The unix socket Docker talks to, as seen from the host. */
    public Path socketPath() {
        return Path.of("/run/docker/plugins", id(), socketName);
    }

    private String inspect(String format) {
        return Command.docker("plugin", "inspect", "-f", format, name).timeout(CLI_TIMEOUT).check().stdout().trim();
    }

    /**
     * The host PIDs of the plugin's processes: those whose cgroup path names the plugin id (containerd runs each
     * managed plugin as a container named by its id).
     */
    public List<Long> processIds() {
        String id = id();
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> cgroupMentions(p, id))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
    }

    private static boolean cgroupMentions(Path proc, String id) {
        try {
            return Files.readString(proc.resolve("cgroup")).contains(id);
        } catch (IOException e) {
            return false; // the process ended while we looked
        }
    }

    /** SIGKILLs the plugin's processes, by PID, as a crash would end them; dockerd then starts the plugin again. */
    public List<Long> killProcesses() {
        List<Long> pids = processIds();
        if (pids.isEmpty()) {
            throw new AssertionError("plugin " + name + " has no process to kill");
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return pids;
    }

    /**
     * Waits until dockerd has started the plugin again after {@link #killProcesses} returned {@code killed} at
     * {@code killedAt}, and has finished with the restart. dockerd restarts a plugin whose process exits, then
     * dials its socket (after 0.5 s, then every 3 s, 4 tries) before it takes it as started and saves its
     * config.json; a plugin that dies again before that is left disabled and not restarted. So the wait ends only
     * when config.json is newer than the kill, which dockerd writes at that moment and at no other time here.
     */
    public void awaitRestartedAfterKill(List<Long> killed, java.time.Instant killedAt, Duration deadline) {
        Path config = Path.of(DockerHost.client().infoCmd().exec().getDockerRootDir(), "plugins", id(), "config.json");
        await("dockerd starts plugin " + name + " again after kill -9 of " + killed + " and sees it serve")
                .atMost(deadline).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    List<Long> now = processIds();
                    return !now.isEmpty() && now.stream().noneMatch(killed::contains) && isEnabled()
                            && Files.getLastModifiedTime(config).toInstant().isAfter(killedAt);
                });
    }

    /** The plugin's lines in dockerd's log (stdout and stderr of the plugin process). */
    public List<String> logLines() {
        return DockerdLog.locate().linesTaggedWith("plugin=" + id());
    }

    private List<String> logLinesIfKnown() {
        try {
            return logLines();
        } catch (RuntimeException | AssertionError e) {
            return List.of("(plugin log not available: " + e.getMessage() + ")");
        }
    }

    /** Waits until the engine reports the plugin enabled, for example after a dockerd restart. */
    public void awaitEnabled(Duration deadline) {
        await("plugin " + name + " enabled").atMost(deadline).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(this::isEnabled);
    }

    /** The volumes Docker lists for this plugin. */
    public List<String> volumeNames() {
        List<InspectVolumeResponse> volumes = DockerHost.client().listVolumesCmd().exec().getVolumes();
        if (volumes == null) {
            return List.of();
        }
        return volumes.stream()
                .filter(v -> driverName().equals(v.getDriver()) || name.equals(v.getDriver()))
                .map(InspectVolumeResponse::getName)
                .toList();
    }

    /** Removes the plugin's volumes from Docker, the plugin and its state directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        removeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway, and removal is idempotent.
        }
    }

    private synchronized void removeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        var problems = new ArrayList<String>();
        try {
            for (String volume : volumeNames()) {
                Command.Result r = Command.docker("volume", "rm", "-f", volume).timeout(CLI_TIMEOUT).run();
                if (r.exitCode() != 0) {
                    problems.add(r.describe());
                }
            }
        } catch (RuntimeException e) {
            problems.add("listing volumes: " + e);
        }
        Command.Result rm = Command.docker("plugin", "rm", "-f", name).timeout(CLI_TIMEOUT).run();
        if (rm.exitCode() != 0 && !rm.output().contains("not found")) {
            problems.add(rm.describe());
        }
        try {
            if (stateMount != null) {
                stateMount.unmount(stateDir);
            }
            PluginPackage.deleteTree(stateDir);
        } catch (RuntimeException e) {
            problems.add("deleting " + stateDir + ": " + e);
        }
        if (!problems.isEmpty()) {
            // Cleanup must not hide the test's own outcome; say loudly what was left behind.
            System.err.println("cleanup of plugin " + name + " left problems:\n" + String.join("\n", problems));
        }
    }

    @Override
    public String toString() {
        return "ManagedPlugin[" + name + ", state " + stateDir + "]";
    }
}
