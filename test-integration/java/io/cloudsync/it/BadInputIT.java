package io.cloudsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.it.support.Command;
import io.cloudsync.it.support.ManagedPlugin;
import io.cloudsync.it.support.PluginPackage;
import io.cloudsync.it.support.PluginSocket;
import io.cloudsync.it.support.UniqueNames;
import io.cloudsync.it.support.Volumes;
import io.cloudsync.it.support.WithDockerEngine;
import io.cloudsync.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input through the real engine, as a user meets it: each "docker volume create" or "inspect" fails, the
 * message the CLI prints names the problem, no volume is left behind, and afterwards the plugin still serves
 * (a good create and inspect work). Malformed JSON is sent straight to the plugin's socket, since the engine
 * never sends any.
 */
@WithDockerEngine
class BadInputIT {

    private static final String BUCKET = "it-bad-input";
    private static final ObjectMapper JSON = new ObjectMapper();
    
    private static S3ProxyServer s3;
    private static PluginPackage pkg;
    private static ManagedPlugin plugin;

    @BeforeAll
    static void installPlugin(S3ProxyServer server, PluginPackage builtPackage) {
        s3 = server;
        pkg = builtPackage;
        s3.createBucket(BUCKET);
        plugin = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("badinput"), ManagedPlugin.settingsFor(s3));
    }

    @AfterAll
    static void removePlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    /** After every bad request: the plugin is still enabled and a good create, inspect and remove work. */
    @AfterEach
    void pluginStillServes() {
        assertTrue(plugin.isEnabled(), "the plugin is no longer enabled after bad input");
        String volume = UniqueNames.of("still-serves");
        Command.Result created = Volumes.createWithCli(volume, plugin.driverName(), Map.of("bucket", BUCKET));
        assertEquals(0, created.exitCode(), created::describe);
        assertEquals(BUCKET, Volumes.inspect(volume).path("Status").path("bucket").asText());
        Command.Result removed = Volumes.removeWithCli(volume);
        assertEquals(0, removed.exitCode(), removed::describe);
    }

    @Test
    void anUnknownOptionIsRefusedWithTheListOfValidOnes() {
        Command.Result result = createFails(UniqueNames.of("bad-option-vol"), Map.of("bucket", BUCKET, "bogus", "1"));
        assertMentions(result, "bogus");
        assertMentions(result, "bucket"); // the list of valid options
        assertMentions(result, "prefix");
    }

    @Test
    void aBucketNameAgainstTheS3RulesIsRefusedAndNamed() {
        Command.Result result = createFails(UniqueNames.of("bad-bucket-vol"), Map.of("bucket", "Bad_Name"));
        assertMentions(result, "Bad_Name");
        assertMentions(result, "bucket");
    }

    @Test
    void aPrefixThatClimbsOutWithDotDotIsRefused() {
        Command.Result result = createFails(UniqueNames.of("bad-prefix-vol"), Map.of("bucket", BUCKET, "prefix", "../x"));
        assertMentions(result, "prefix");
        assertMentions(result, "..");
    }

    @Test
    void anUnreachableEndpointIsNamedInTheError() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        try (ManagedPlugin unreachable = ManagedPlugin.create(pkg, ManagedPlugin.uniqueName("unreachable"),
                ManagedPlugin.settingsFor(endpoint, s3.accessKey(), s3.secretKey()))) {
            var options = new LinkedHashMap<String, String>();
            options.put("bucket", BUCKET);
            String volume = UniqueNames.of("unreachable-vol");
            Command.Result result = Volumes.createWithCli(volume, unreachable.driverName(), options);
            assertNotEquals(0, result.exitCode(), () -> "create over an unreachable endpoint succeeded: " + result.describe());
            assertMentions(result, "127.0.0.1:" + closedPort);
            assertFalse(result.output().contains(s3.secretKey()), "the error shows the secret key");
            assertFalse(Volumes.names().contains(volume), "a failed create left volume " + volume);
            assertTrue(unreachable.isEnabled(), "the plugin stopped serving after an unreachable endpoint");
            var leaking = unreachable.logLines().stream().filter(line -> line.contains(s3.secretKey())).toList();
            assertTrue(leaking.isEmpty(), () -> "the plugin logged its secret key while failing: " + leaking.size() + " line(s)");
        }
    }

    @Test
    void inspectingAVolumeNobodyKnowsFailsWithItsName() {
        String unknown = "no-such-cloudsync-volume";
        Command.Result result = Volumes.inspectWithCli(unknown);
        assertNotEquals(0, result.exitCode(), result::describe);
        assertMentions(result, unknown);
        assertMentions(result, "no such volume");
    }

    @Test
    void malformedJsonOnThePluginSocketGetsAnErrAndThePluginKeepsServing() throws IOException {
        var socket = plugin.socketPath();
        for (String route : new String[] {"/VolumeDriver.Create", "/VolumeDriver.Mount", "/VolumeDriver.Get"}) {
            PluginSocket.Response response = PluginSocket.post(socket, route, "{\"Name\": \"half");
            assertTrue(response.status() >= 400, () -> route + " accepted malformed JSON: " + response);
            JsonNode body = JSON.readTree(response.body());
            assertTrue(body.path("Err").isTextual() && !body.path("Err").asText().isBlank(),
                    () -> route + " answered malformed JSON without an Err: " + response);
        }
        PluginSocket.Response capabilities = PluginSocket.post(socket, "/VolumeDriver.Capabilities", "{}");
        assertEquals(200, capabilities.status(), capabilities::toString);
    }

    private static Command.Result createFails(String volume, Map<String, String> options) {
        Command.Result result = Volumes.createWithCli(volume, plugin.driverName(), options);
        assertNotEquals(0, result.exitCode(), () -> "docker volume create succeeded with bad input: " + result.describe());
        assertFalse(Volumes.names().contains(volume), "a refused create left volume " + volume);
        return result;
    }

    private static void assertMentions(Command.Result result, String text) {
        assertTrue(result.output().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)),
                () -> "the CLI's message does not mention '" + text + "': " + result.describe());
    }
}
