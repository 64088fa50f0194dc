package io.cloudsync.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginSettingsTest {

    @Test
    void defaultsFitTheManagedPluginLayout() throws Exception {
        PluginSettings s = PluginSettings.fromEnvironment(Map.of());
        assertEquals("us-east-1", s.region());
        assertEquals(Path.of("/state"), s.stateDir());
        assertEquals(Path.of("/mnt/volumes"), s.mountRoot());
        assertEquals(Path.of("/run/docker/plugins/cloudsync.sock"), s.socket());
    }

    @Test
    void theSecretNeverAppearsInTheTextForm() throws Exception {
        PluginSettings s = PluginSettings.fromEnvironment(Map.of(
                PluginSettings.ENDPOINT, "http://127.0.0.1:9000",
                PluginSettings.ACCESS_KEY, "AKIDEXAMPLE",
                PluginSettings.SECRET_KEY, "wJalrXUtnFEMI-very-secret"));
        assertEquals("wJalrXUtnFEMI-very-secret", s.secretKey());
        assertFalse(s.toString().contains("very-secret"), s.toString());
        assertTrue(s.toString().contains("AKIDEXAMPLE"));
    }

    @Test
    void aBadEndpointNamesTheVariable() {
        String m = assertThrows(InvalidOptionException.class,
                () -> PluginSettings.fromEnvironment(Map.of(PluginSettings.ENDPOINT, "ftp://x"))).getMessage();
        assertTrue(m.contains("CLOUDSYNC_S3_ENDPOINT") && m.contains("ftp://x"), m);
    }
}
