package io.cloudsync.it.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Checks once per run that the Docker engine answers and the local test image exists. Without them the Docker
 * tests are skipped on a developer's machine, but fail with CI=true: there they must run, never skip.
 */
public final class DockerRequirement implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DockerRequirement.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // Computed once per run in the root store, so a missing engine is reported once, not probed per class.
        Optional<?> problem = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("problem", key -> findProblem(), Optional.class);
        if (problem.isEmpty()) {
            return;
        }
        String message = problem.get() + "";
        if (DockerHost.isCi()) {
            throw new AssertionError("CI=true, so the Docker tests must run, but " + message
                    + ". Run scripts/setup.sh as root (it installs docker.io, starts dockerd and imports the test image).");
        }
        throw new TestAbortedException("Docker tests skipped: " + message + " (with CI=true this is a failure)");
    }

    private static Optional<String> findProblem() {
        Optional<String> engine = DockerHost.unavailableReason();
        if (engine.isPresent()) {
            return engine;
        }
        if (!DockerHost.hasBusyboxImage()) {
            return Optional.of("the engine has no image " + DockerHost.BUSYBOX_IMAGE
                    + " (scripts/setup.sh makes it with 'docker import' of busybox-static)");
        }
        return Optional.empty();
    }
}
