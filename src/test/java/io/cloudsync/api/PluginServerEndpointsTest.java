package io.cloudsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every endpoint answers what Docker expects, for the bodies Docker really sends (including none at all). */
@Timeout(30)
class PluginServerEndpointsTest extends RunningServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void activateWithoutBodyAnnouncesTheVolumeDriverInterface() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.ACTIVATE, "");
        assertEquals(200, reply.status());
        assertEquals("application/vnd.docker.plugins.v1.2+json", reply.header("Content-Type"));
        assertJson("{\"Implements\":[\"VolumeDriver\"]}", reply.body());
    }

    @Test
    void capabilitiesSayLocalScopeWithOrWithoutBody() throws Exception {
        assertOk("{\"Capabilities\":{\"Scope\":\"local\"}}", RawHttpClient.post(socket, PluginRoutes.CAPABILITIES, "{}"));
        assertOk("{\"Capabilities\":{\"Scope\":\"local\"}}", RawHttpClient.post(socket, PluginRoutes.CAPABILITIES, ""));
    }

    @Test
    void createPassesNameAndOptionsAndAnswersEmptyErr() throws Exception {
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE,
                "{\"Name\":\"data\",\"Opts\":{\"bucket\":\"photos\",\"prefix\":\"p/q\"}}"));
        assertEquals(Map.of("bucket", "photos", "prefix", "p/q"), driver.optionsOf("data"));
    }

    @Test
    void createWithNullOptsGivesTheDriverNoOptions() throws Exception {
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"data\",\"Opts\":null}"));
        assertEquals(Map.of(), driver.optionsOf("data"));
    }

    @Test
    void createIsIdempotentForTheSameOptions() throws Exception {
        String body = "{\"Name\":\"data\",\"Opts\":{\"bucket\":\"b\"}}";
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, body));
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, body));
    }

    @Test
    void getShowsNameMountpointCreatedAtAndStatus() throws Exception {
        create("data", "{\"bucket\":\"b\"}");
        assertOk("{\"Volume\":{\"Name\":\"data\",\"Mountpoint\":\"\",\"CreatedAt\":\"" + FakeVolumeDriver.CREATED_AT
                        + "\",\"Status\":{\"bucket\":\"b\",\"pendingUploads\":0}},\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.GET, "{\"Name\":\"data\"}"));
    }

    @Test
    void anUnknownCreationTimeIsLeftOutBecauseDockerCannotParseAnEmptyOne() throws Exception {
        create("data", "{\"fake-created-at\":\"\"}");
        assertOk("{\"Volume\":{\"Name\":\"data\",\"Mountpoint\":\"\",\"Status\":{\"bucket\":\"\",\"pendingUploads\":0}},"
                + "\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.GET, "{\"Name\":\"data\"}"));
    }

    @Test
    void listAnswersEveryVolumeAndAnEmptyArrayWhenThereIsNone() throws Exception {
        assertOk("{\"Volumes\":[],\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.LIST, ""));
        create("data", "null");
        assertOk("{\"Volumes\":[{\"Name\":\"data\",\"Mountpoint\":\"\",\"CreatedAt\":\"" + FakeVolumeDriver.CREATED_AT
                        + "\",\"Status\":{\"bucket\":\"\",\"pendingUploads\":0}}],\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.LIST, "{}"));
    }

    @Test
    void mountPathUnmountAndRemoveFollowTheVolumeLifecycle() throws Exception {
        create("data", "{}");
        String mountpoint = FakeVolumeDriver.MOUNT_ROOT + "data";
        assertOk("{\"Mountpoint\":\"" + mountpoint + "\",\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.MOUNT, "{\"Name\":\"data\",\"ID\":\"c0ffee\"}"));
        assertOk("{\"Mountpoint\":\"" + mountpoint + "\",\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.PATH, "{\"Name\":\"data\"}"));
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.UNMOUNT, "{\"Name\":\"data\",\"ID\":\"c0ffee\"}"));
        assertOk("{\"Mountpoint\":\"\",\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.PATH, "{\"Name\":\"data\"}"));
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.REMOVE, "{\"Name\":\"data\"}"));
        assertOk("{\"Volumes\":[],\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.LIST, ""));
    }

    @Test
    void flushReportsDurabilityAndPassesTheTimeoutInMilliseconds() throws Exception {
        create("data", "{}");
        assertOk("{\"Durable\":true,\"PendingFiles\":0,\"PendingBytes\":0,\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"data\",\"TimeoutSeconds\":5}"));
        assertEquals(5_000, driver.lastFlushTimeoutMillis());
    }

    @Test
    void flushWithoutTimeoutWaitsTheDefaultMinute() throws Exception {
        create("data", "{}");
        assertEquals(200, RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"data\"}").status());
        assertEquals(60_000, driver.lastFlushTimeoutMillis());
    }

    @Test
    void flushThatTimesOutReportsWhatIsPending() throws Exception {
        create("data", "{}");
        driver.closeFlushGate();
        assertOk("{\"Durable\":false,\"PendingFiles\":1,\"PendingBytes\":4096,\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"data\",\"TimeoutSeconds\":0}"));
    }

    @Test
    void oneConnectionCarriesManyRequestsLikeDockersKeepAliveClient() throws Exception {
        try (RawHttpClient client = new RawHttpClient(socket)) {
            assertOk("{\"Err\":\"\"}", client.post(PluginRoutes.CREATE, "{\"Name\":\"a\",\"Opts\":{}}"));
            assertOk("{\"Err\":\"\"}", client.post(PluginRoutes.CREATE, "{\"Name\":\"b\",\"Opts\":{}}"));
            assertEquals(2, JSON.readTree(client.post(PluginRoutes.LIST, "").body()).get("Volumes").size());
        }
    }

    @Test
    void chunkedBodiesAndOlderDockersSocketPathHostHeaderAreAccepted() throws Exception {
        String body = "{\"Name\":\"data\",\"Opts\":null}";
        RawHttpClient.Reply reply;
        try (RawHttpClient client = new RawHttpClient(socket)) {
            reply = client.exchange("POST " + PluginRoutes.CREATE + " HTTP/1.1\r\n"
                    + "Host: " + socket + "\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Accept: " + PluginRoutes.CONTENT_TYPE + "\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
        }
        assertOk("{\"Err\":\"\"}", reply);
        assertEquals(Map.of(), driver.optionsOf("data"));
    }

    @Test
    void theEmptyHostHeaderOfDocker20IsAccepted() throws Exception {
        // moby 20.10 sets the socket path as the URL host; Go's client cuts it at '/', leaving "Host: ".
        RawHttpClient.Reply reply;
        try (RawHttpClient client = new RawHttpClient(socket)) {
            reply = client.exchange("POST " + PluginRoutes.ACTIVATE + " HTTP/1.1\r\n"
                    + "Host: \r\n"
                    + "User-Agent: Go-http-client/1.1\r\n"
                    + "Content-Length: 2\r\n"
                    + "Accept: " + PluginRoutes.CONTENT_TYPE + "\r\n\r\n{}");
        }
        assertOk("{\"Implements\":[\"VolumeDriver\"]}", reply);
    }

    private void create(String name, String optsJson) throws IOException {
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE,
                "{\"Name\":\"" + name + "\",\"Opts\":" + optsJson + "}"));
    }

    static void assertOk(String expectedJson, RawHttpClient.Reply reply) throws IOException {
        assertEquals(200, reply.status(), () -> "status of a success; body: " + reply.body());
        assertJson(expectedJson, reply.body());
    }

    static void assertJson(String expectedJson, String actualJson) throws IOException {
        JsonNode expected = JSON.readTree(expectedJson);
        JsonNode actual = JSON.readTree(actualJson);
        assertEquals(expected, actual, () -> "expected " + expectedJson + " but got " + actualJson);
    }
}
