package io.cloudsync.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The plugin as "docker plugin create" takes it: a directory with config.json and rootfs/, built once per test
 * run by the project's packaging script (the same one "make plugin" uses), from the jar and runtime libraries
 * that "mvn package" left in target/ before failsafe runs.
 *
 * <p>Set -Dcloudsync.it.plugin-dir=DIR to use a directory built earlier instead.
 *
 * <p>Each test plugin gets its own staged copy ({@link #stageFor}): hard links to the built files plus a marker
 * file naming the plugin, so that no two plugins have byte-identical rootfs layers (Docker refuses to create a
 * plugin whose content already exists, see DESIGN.md) while staging costs no copying.
 */
public final class PluginPackage {

    public static final String DIR_PROPERTY = "cloudsync.it.plugin-dir";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private final Path dir;

    private PluginPackage(Path dir) {
        this.dir = dir;
    }

    /** The project's root directory (failsafe runs in it and sets "basedir"). */
    public static Path projectRoot() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    /** Builds the package (or takes the one named by -Dcloudsync.it.plugin-dir) and checks its shape. */
    public static PluginPackage build() {
        String given = System.getProperty(DIR_PROPERTY, "").trim();
        Path dir;
        if (!given.isEmpty()) {
            dir = Path.of(given).toAbsolutePath();
        } else {
            dir = projectRoot().resolve("target/it/plugin");
            deleteTree(dir);
            Command.of("bash", "plugin/build-rootfs.sh", dir.toString())
                    .directory(projectRoot())
                    // The script jlinks the plugin's runtime from JAVA_HOME: use the JDK 25 running the tests.
                    .env("JAVA_HOME", System.getProperty("java.home"))
                    .timeout(BUILD_TIMEOUT)
                    .check();
        }
        if (!Files.isRegularFile(dir.resolve("config.json")) || !Files.isDirectory(dir.resolve("rootfs"))) {
            throw new AssertionError("the plugin package " + dir + " has no config.json and rootfs/ directory");
        }
        return new PluginPackage(dir);
    }

    public Path dir() {
        return dir;
    }

    public String configJson() {
        try {
            return Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("config.json"), e);
        }
    }

    /** A directory for "docker plugin create" of plugin {@code name}; delete it with {@link #deleteTree} after. */
    public Path stageFor(String name) {
        Path staged = dir.resolveSibling("staged-" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
        deleteTree(staged);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path source : paths.toList()) {
                Path target = staged.resolve(dir.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(source));
                } else if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    linkOrCopy(source, target);
                }
            }
            Files.writeString(staged.resolve("rootfs/.cloudsync-test-plugin"), name + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the plugin package " + dir + " for " + name, e);
        }
        return staged;
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            // Another filesystem or no hard links: a copy costs more but is just as good.
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Deletes a directory tree if it exists (symbolic links are removed, never followed). */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    @Override
    public String toString() {
        return "PluginPackage[" + dir + "]";
    }
}
