package io.cloudsync.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** A plugin server over a fake driver on a temporary unix socket, started before and stopped after each test. */
abstract class RunningServerTest {

    @TempDir
    Path dir;
    FakeVolumeDriver driver;
    PluginServer server;
    Path socket;

    @BeforeEach
    void startServer() throws IOException {
        driver = new FakeVolumeDriver();
        socket = dir.resolve("cloudsync.sock");
        server = new PluginServer(socket, driver);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }
}
