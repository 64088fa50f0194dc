package io.cloudsync.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an external program (the docker CLI, docker-compose, the packaging scripts) to completion with the
 * environment of {@link DockerHost#cleanEnvironment()}, so that a DOCKER_HOST or DOCKER_CONTEXT of the person
 * running the tests never points the CLI at another engine than the docker-java client talks to.
 *
 * <p>Output is captured whole; a program that outlives its deadline is killed (it is our own child) and the
 * call fails with what it printed so far.
 */
public final class Command {

    private final List<String> argv;
    private Duration timeout = Duration.ofMinutes(2);
    private Path directory;
    private String stdin;
    private final Map<String, String> extraEnv = new java.util.LinkedHashMap<>();
    private final java.util.Set<String> removedEnv = new java.util.HashSet<>();

    private Command(List<String> argv) {
        this.argv = List.copyOf(argv);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv);
    }

    /** A docker CLI invocation: {@code docker ARGS...}. */
    public static Command docker(String... args) {
        var all = new ArrayList<String>();
        all.add("docker");
        all.addAll(List.of(args));
        return new Command(all);
    }

    public Command timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    public Command directory(Path value) {
        this.directory = value;
        return this;
    }

    public Command stdin(String value) {
        this.stdin = value;
        return this;
    }

    public Command env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Runs the program without environment variable {@code name}. */
    public Command unsetEnv(String name) {
        removedEnv.add(name);
        extraEnv.remove(name);
        return this;
    }

    /** Runs the program and returns its result whatever the exit code. */
    public Result run() {
        var builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(DockerHost.cleanEnvironment());
        builder.environment().putAll(extraEnv);
        builder.environment().keySet().removeAll(removedEnv);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
        CompletableFuture<String> out = readAsync(process.getInputStream());
        CompletableFuture<String> err = readAsync(process.getErrorStream());
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The program may exit without reading its input; its exit code and output tell the story.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(this + " did not finish within " + timeout + "; output so far:\n"
                        + out.getNow("") + err.getNow(""));
            }
            return new Result(this.toString(), process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + this, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot collect the output of " + this, e);
        }
    }

    /** Runs the program and fails, with its output, unless it exits with 0. */
    public Result check() {
        Result result = run();
        if (result.exitCode() != 0) {
            throw new AssertionError(result.describe());
        }
        return result;
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }

    /** The command line, with the values of settings that look secret masked. */
    @Override
    public String toString() {
        var shown = new ArrayList<String>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            boolean secret = eq > 0 && arg.substring(0, eq).toUpperCase(java.util.Locale.ROOT).contains("SECRET");
            shown.add(secret ? arg.substring(0, eq + 1) + "***" : arg);
        }
        return String.join(" ", shown);
    }

    /** What a finished program did. {@code command} is the masked command line. */
    public record Result(String command, int exitCode, String stdout, String stderr) {

        /** stdout and stderr together, as a user would see them in a terminal. */
        public String output() {
            return stdout + stderr;
        }

        public String describe() {
            return "'" + command + "' exited with " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
