package io.cloudsync.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests are logged at FINE and failures at WARNING, and a secret sent in Create options never reaches a log. */
@Timeout(30)
class PluginServerLoggingTest {

    private static final String SECRET = "s3cr3t-AKIA-do-not-log";
    private static final Logger API_LOG = Logger.getLogger("io.cloudsync.api");

    @TempDir
    Path dir;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;
    private PluginServer server;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        previousLevel = API_LOG.getLevel();
        API_LOG.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        API_LOG.addHandler(capture);
        socket = dir.resolve("cloudsync.sock");
        server = new PluginServer(socket, new FakeVolumeDriver());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        API_LOG.removeHandler(capture);
        API_LOG.setLevel(previousLevel);
    }

    @Test
    void successesAreLoggedAtFineAndFailuresAtWarning() throws Exception {
        RawHttpClient.post(socket, PluginRoutes.LIST, "");
        RawHttpClient.post(socket, PluginRoutes.GET, "{\"Name\":\"nope\"}");
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.FINE
                && r.getMessage().startsWith("POST /VolumeDriver.List -> 200")), this::dump);
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                && r.getMessage().startsWith("POST /VolumeDriver.Get -> 500")
                && r.getMessage().endsWith("volume 'nope' does not exist")), this::dump);
    }

    @Test
    void createOptionsNeverReachTheLogNorTheErrOfAMalformedBody() throws Exception {
        RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{\"secret-key\":\"" + SECRET + "\"}}");
        RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{\"secret-key\":" + SECRET + "}}");
        RawHttpClient.Reply malformed = RawHttpClient.post(socket, PluginRoutes.CREATE,
                "{\"Name\":\"w\",\"Opts\":{\"secret-key\":[\"" + SECRET + "\"]}}");
        assertEquals(500, malformed.status());
        assertFalse(malformed.body().contains(SECRET), malformed.body());
        assertTrue(records.size() >= 3, this::dump);
        for (LogRecord record : records) {
            assertFalse(String.valueOf(record.getMessage()).contains(SECRET), this::dump);
            assertFalse(record.getThrown() != null && String.valueOf(record.getThrown()).contains(SECRET), this::dump);
        }
    }

    private String dump() {
        StringBuilder all = new StringBuilder("log records:");
        records.forEach(r -> all.append("\n  ").append(r.getLevel()).append(' ').append(r.getMessage()));
        return all.toString();
    }
}
