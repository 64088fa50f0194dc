package io.cloudsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

import static io.cloudsync.api.PluginServerEndpointsTest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every failure reaches Docker as HTTP 500 (404/405 for a wrong path or method) with a JSON {@code Err} that says
 * what went wrong, never a stack trace, and the server goes on serving the same connection afterwards.
 */
@Timeout(30)
class PluginServerErrorsTest extends RunningServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    @ParameterizedTest
    @ValueSource(strings = {PluginRoutes.GET, PluginRoutes.PATH, PluginRoutes.REMOVE})
    void anUnknownVolumeGivesTheDriversMessage(String route) throws Exception {
        assertErr(500, "volume 'nope' does not exist", RawHttpClient.post(socket, route, "{\"Name\":\"nope\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {PluginRoutes.MOUNT, PluginRoutes.UNMOUNT})
    void mountingAnUnknownVolumeGivesTheDriversMessage(String route) throws Exception {
        assertErr(500, "volume 'nope' does not exist", RawHttpClient.post(socket, route, "{\"Name\":\"nope\",\"ID\":\"m1\"}"));
    }

    @Test
    void flushOfAnUnknownVolumeGivesTheDriversMessage() throws Exception {
        assertErr(500, "volume 'nope' does not exist",
                RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"nope\",\"TimeoutSeconds\":1}"));
    }

    @Test
    void aRefusedCreateAndARefusedRemoveGiveTheDriversMessage() throws Exception {
        assertErr(500, "unknown option 'bad'; valid options are: bucket, prefix",
                RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{\"bad\":\"1\"}}"));
        assertOk("{\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{}}"));
        assertOk("{\"Mountpoint\":\"/mnt/cloudsync/v\",\"Err\":\"\"}",
                RawHttpClient.post(socket, PluginRoutes.MOUNT, "{\"Name\":\"v\",\"ID\":\"m1\"}"));
        assertErr(500, "volume 'v' is in use by 1 container(s); stop them first",
                RawHttpClient.post(socket, PluginRoutes.REMOVE, "{\"Name\":\"v\"}"));
    }

    @Test
    void anyDriverExceptionBecomesItsMessageWithoutAStackTrace() throws Exception {
        driver.failNextCallWith(new AccessDeniedException("/state/volumes.json"));
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.LIST, "");
        assertErr(500, "/state/volumes.json", reply);
        assertFalse(reply.body().contains("\tat ") || reply.body().contains("Exception"), reply.body());
    }

    @Test
    void aDriverExceptionWithoutMessageStillGivesANonEmptyErr() throws Exception {
        driver.failNextCallWith(new IllegalStateException());
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.LIST, "");
        assertEquals(500, reply.status());
        assertEquals("IllegalStateException without a message; see the plugin log", errOf(reply));
    }

    @ParameterizedTest
    @ValueSource(strings = {PluginRoutes.CREATE, PluginRoutes.REMOVE, PluginRoutes.MOUNT, PluginRoutes.UNMOUNT,
            PluginRoutes.PATH, PluginRoutes.GET, PluginRoutes.FLUSH})
    void malformedJsonIsNamedAsSuchAndTheConnectionGoesOnServing(String route) throws Exception {
        try (RawHttpClient client = new RawHttpClient(socket)) {
            RawHttpClient.Reply reply = client.post(route, "{\"Name\": \"v\",");
            assertEquals(500, reply.status());
            String err = errOf(reply);
            assertTrue(err.startsWith("the request body of " + route + " is not valid JSON (line 1, column"), err);
            assertTrue(err.contains("expected a JSON object with fields Name"), err);
            assertOk("{\"Volumes\":[],\"Err\":\"\"}", client.post(PluginRoutes.LIST, ""));
        }
    }

    @Test
    void malformedJsonInsideTheOptionsIsStillCalledMalformedJson() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":{\"a\":b}}");
        assertEquals(500, reply.status());
        String err = errOf(reply);
        assertTrue(err.startsWith("the request body of /VolumeDriver.Create is not valid JSON (line 1, column "), err);
        assertTrue(err.endsWith("); expected a JSON object with fields Name, Opts"), err);
    }

    @Test
    void garbageAfterTheJsonObjectIsNotIgnored() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.GET, "{\"Name\":\"v\"} trailing");
        assertEquals(500, reply.status());
        assertTrue(errOf(reply).startsWith("the request body of /VolumeDriver.Get is not valid JSON"), reply.body());
    }

    @Test
    void aBodyOfTheWrongShapeNamesTheField() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.CREATE, "{\"Name\":\"v\",\"Opts\":[\"x\"]}");
        assertErr(500, "the request body of /VolumeDriver.Create does not have the expected shape (field Opts has "
                + "the wrong type); expected a JSON object with fields Name, Opts", reply);
        assertEquals(500, RawHttpClient.post(socket, PluginRoutes.GET, "[1,2]").status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "null", "{\"Name\":\"\"}", "{\"Name\":null}", "{\"Opts\":{}}"})
    void aMissingNameIsNamed(String body) throws Exception {
        assertErr(500, "the request to /VolumeDriver.Create has no Name (expected a JSON object with a non-empty "
                + "\"Name\" string)", RawHttpClient.post(socket, PluginRoutes.CREATE, body));
    }

    @Test
    void aMountWithoutIdIsRefusedBeforeTheDriverSeesIt() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.MOUNT, "{\"Name\":\"v\"}");
        assertTrue(errOf(reply).startsWith("the request to /VolumeDriver.Mount has no ID"), reply.body());
    }

    @Test
    void aNegativeFlushTimeoutIsRefused() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.FLUSH, "{\"Name\":\"v\",\"TimeoutSeconds\":-1}");
        assertTrue(errOf(reply).contains("negative TimeoutSeconds (-1)"), reply.body());
    }

    @Test
    void anUnknownPathIs404WithErr() throws Exception {
        RawHttpClient.Reply reply = RawHttpClient.post(socket, "/VolumeDriver.Frobnicate", "{}");
        assertEquals(404, reply.status());
        assertEquals(PluginRoutes.CONTENT_TYPE, reply.header("Content-Type"));
        assertTrue(errOf(reply).startsWith("unknown endpoint /VolumeDriver.Frobnicate; the cloudsync plugin serves "
                + "/Plugin.Activate, /VolumeDriver.Create"), reply.body());
    }

    @Test
    void aMethodOtherThanPostIs405WithErr() throws Exception {
        try (RawHttpClient client = new RawHttpClient(socket)) {
            RawHttpClient.Reply reply = client.exchange("GET /VolumeDriver.List HTTP/1.1\r\nHost: x\r\n\r\n");
            assertErr(405, "/VolumeDriver.List accepts POST only, got GET", reply);
            assertOk("{\"Volumes\":[],\"Err\":\"\"}", client.post(PluginRoutes.LIST, ""));
        }
    }

    @Test
    void anOversizedBodyIsRefusedAndTheServerGoesOnServing() throws Exception {
        String huge = "{\"Name\":\"" + "x".repeat(PluginHandler.MAX_BODY_BYTES) + "\"}";
        RawHttpClient.Reply reply = RawHttpClient.post(socket, PluginRoutes.CREATE, huge);
        assertEquals(500, reply.status());
        assertTrue(errOf(reply).startsWith("could not read the request body of /VolumeDriver.Create (at most 1048576"),
                reply.body());
        assertOk("{\"Volumes\":[],\"Err\":\"\"}", RawHttpClient.post(socket, PluginRoutes.LIST, ""));
    }

    @Test
    void theServerServesNewConnectionsAfterEveryKindOfBadRequest() throws Exception {
        RawHttpClient.post(socket, PluginRoutes.CREATE, "{{{");
        RawHttpClient.post(socket, "/nowhere", "");
        driver.failNextCallWith(new RuntimeException("boom"));
        RawHttpClient.post(socket, PluginRoutes.LIST, "");
        try (RawHttpClient garbage = new RawHttpClient(socket)) {
            RawHttpClient.Reply reply = garbage.exchange("THIS IS NOT HTTP\r\n\r\n");
            assertEquals(400, reply.status());
        }
        assertOk("{\"Implements\":[\"VolumeDriver\"]}", RawHttpClient.post(socket, PluginRoutes.ACTIVATE, ""));
    }

    private static String errOf(RawHttpClient.Reply reply) throws IOException {
        return JSON.readTree(reply.body()).get("Err").asText();
    }

    private static void assertErr(int status, String expectedErr, RawHttpClient.Reply reply) throws IOException {
        assertEquals(status, reply.status(), () -> "status; body: " + reply.body());
        assertEquals(PluginRoutes.CONTENT_TYPE, reply.header("Content-Type"));
        assertEquals(expectedErr, errOf(reply));
    }
}
