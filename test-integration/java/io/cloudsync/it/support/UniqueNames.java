package io.cloudsync.it.support;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names of Docker objects made by the tests. Volume and plugin names are global to the engine, so each gets a
 * random suffix: a second test run at the same time, or volumes left behind by a run that was killed, never
 * collide with this run's.
 */
public final class UniqueNames {

    private UniqueNames() {
    }

    /** {@code base} followed by "-" and eight random hex digits, e.g. "roundtrip-vol-1f3a9c07". */
    public static String of(String base) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return base + "-" + HexFormat.of().formatHex(random);
    }
}
