package io.cloudsync.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Speaks HTTP/1.1 straight to a plugin's unix socket, as dockerd does, for requests the engine would never
 * send (malformed JSON). One request per connection ("Connection: close"), so the response ends at EOF.
 */
public final class PluginSocket {

    /** Docker's content type for plugin requests. */
    public static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";

    private PluginSocket() {
    }

    /** The status code and body of an HTTP response. */
    public record Response(int status, String body) {
    }

    /** POSTs {@code body} (sent as is, valid JSON or not) to {@code route}, e.g. "/VolumeDriver.Create". */
    public static Response post(Path socket, String route, String body) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + route + " HTTP/1.1\r\n"
                + "Host: plugin\r\n"
                + "Content-Type: " + CONTENT_TYPE + "\r\n"
                + "Accept: " + CONTENT_TYPE + "\r\n"
                + "Content-Length: " + payload.length + "\r\n"
                + "Connection: close\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.allocate(head.length() + payload.length);
            request.put(head.getBytes(StandardCharsets.US_ASCII)).put(payload).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            var received = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                received.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return parse(received.toString(StandardCharsets.UTF_8), route);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk HTTP to plugin socket " + socket, e);
        }
    }

    private static Response parse(String raw, String route) {
        int endOfHead = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.") || endOfHead < 0) {
            throw new AssertionError("the plugin answered " + route + " with no HTTP response: '" + raw + "'");
        }
        int status = Integer.parseInt(raw.substring(9, 12));
        String head = raw.substring(0, endOfHead);
        String body = raw.substring(endOfHead + 4);
        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Response(status, body);
    }

    private static String dechunk(String chunked) {
        var body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
