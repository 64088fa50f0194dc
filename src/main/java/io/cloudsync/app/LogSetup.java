package io.cloudsync.app;

import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * One line per log record on stdout, which Docker copies into its own log tagged with the plugin's id (stderr
 * lines would all be tagged level=error there, whatever their level). The
 * project's loggers take the configured level; libraries stay at WARNING so their chatter does not bury ours.
 */
final class LogSetup {

    private LogSetup() {
    }

    static void configure(String levelName) {
        Level level = parse(levelName);
        if (LogManager.getLogManager() instanceof ShutdownSafeLogManager manager) {
            manager.resetForConfiguration();
        } else {
            LogManager.getLogManager().reset();
        }
        Handler handler = new StreamHandler(System.out, new OneLine()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        Logger.getLogger("io.cloudsync").setLevel(level);
    }

    /** Accepts the usual names (debug, info, warn, error) as well as java.util.logging's. */
    static Level parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.FINEST;
            case "debug" -> Level.FINE;
            case "warn", "warning" -> Level.WARNING;
            case "error", "severe" -> Level.SEVERE;
            case "info", "" -> Level.INFO;
            default -> {
                try {
                    yield Level.parse(name.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    yield Level.INFO;
                }
            }
        };
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160)
                    .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(r.getLevel().getName()).append(' ')
                    .append(shortName(r.getLoggerName())).append(": ")
                    .append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append(w);
            }
            return b.toString();
        }

        private static String shortName(String logger) {
            if (logger == null) {
                return "";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }
}
