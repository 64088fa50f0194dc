package io.cloudsync.api;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately tiny HTTP/1.1 client over a unix domain socket, so tests send exactly the bytes Docker's Go client
 * sends (or broken ones) and see exactly what the plugin answers. One instance is one keep-alive connection.
 * Only what the plugin's answers use is parsed: a status line, headers, and a Content-Length or chunked body.
 */
final class RawHttpClient implements AutoCloseable {

    /** What Docker's plugin client (moby pkg/plugins) puts in the Host header of unix socket requests. */
    static final String DOCKER_HOST_HEADER = "plugin.moby.localhost";

    /** One answer: status code, headers with lower-case names, body as text. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    RawHttpClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        in = Channels.newInputStream(channel);
        out = Channels.newOutputStream(channel);
    }

    /** POSTs {@code body} to {@code path} the way Docker does: Host, Accept and Content-Length, keep-alive. */
    Reply post(String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: " + DOCKER_HOST_HEADER + "\r\n"
                + "User-Agent: Go-http-client/1.1\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Accept: " + PluginRoutes.CONTENT_TYPE + "\r\n"
                + "Accept-Encoding: gzip\r\n"
                + "\r\n";
        return exchange(concat(head.getBytes(StandardCharsets.US_ASCII), bytes));
    }

    /** Sends {@code request} verbatim and reads one answer. */
    Reply exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.UTF_8));
    }

    Reply exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return readReply();
    }

    /** Opens a connection, POSTs once and closes it. */
    static Reply post(Path socket, String path, String body) throws IOException {
        try (RawHttpClient client = new RawHttpClient(socket)) {
            return client.post(path, body);
        }
    }

    private Reply readReply() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked();
        } else {
            body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(readLine().trim(), 16); size > 0; size = Integer.parseInt(readLine().trim(), 16)) {
            body.write(in.readNBytes(size));
            readLine();
        }
        readLine();
        return body.toByteArray();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed by the server after: " + line.toString(StandardCharsets.UTF_8));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
