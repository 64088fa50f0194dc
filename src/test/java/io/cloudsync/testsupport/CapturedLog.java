package io.cloudsync.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one logger says while a test runs: attached on creation, detached by {@link #close()}, so a test can assert
 * what a user would read in the plugin's log.
 */
public final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        logger.addHandler(this);
    }

    /** Captures the logger of {@code owner} (the name its class logs under). */
    public static CapturedLog of(Class<?> owner) {
        return new CapturedLog(Logger.getLogger(owner.getName()));
    }

    /** Captures the logger named {@code name}: a class this test cannot name, as one private to its package. */
    public static CapturedLog named(String name) {
        return new CapturedLog(Logger.getLogger(name));
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Every record so far, of any level. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages of the records of WARNING and above so far. */
    public List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> String.valueOf(r.getMessage())).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
