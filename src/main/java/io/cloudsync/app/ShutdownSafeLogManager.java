package io.cloudsync.app;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets (removes every handler) in its own shutdown hook, which can run before ours, so the
 * lines that matter most — what SIGTERM left pending — would be lost. Once configured, this one ignores resets.
 * Installed through the "java.util.logging.manager" system property before any logger exists (see {@link Main}).
 */
public final class ShutdownSafeLogManager extends LogManager {

    private volatile boolean configured;

    /** Clears the JDK's default handlers once, at start-up; later resets are ignored. */
    void resetForConfiguration() {
        super.reset();
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }
}
