package io.cloudsync.it.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks once per run that the Docker engine answers and the local test image exists. Without them the Docker
 * test classes are reported as skipped, with the reason, on a developer's machine, but fail with CI=true:
 * there they must run, never skip.
 */
public final class DockerRequirement implements ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DockerRequirement.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        // Computed once per run in the root store, so a missing engine is probed and reported once.
        Optional<?> problem = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("problem", key -> findProblem(), Optional.class);
        if (problem.isEmpty()) {
            return ConditionEvaluationResult.enabled("the Docker engine answers on " + DockerHost.SOCKET);
        }
        if (DockerHost.isCi()) {
            throw new AssertionError("CI=true, so the Docker tests must run, but " + problem.get()
                    + ". Run scripts/setup.sh as root (it installs docker.io, starts dockerd and imports the test image).");
        }
        return ConditionEvaluationResult.disabled("Docker tests skipped: " + problem.get()
                + " (with CI=true this is a failure)");
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
