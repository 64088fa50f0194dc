package io.cloudsync.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cloudsync.api.PluginResponses.ErrorResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side of the protocol, on Jetty's core handler API: finds the endpoint of the path, reads the body,
 * and answers 200 with the endpoint's record, or 500 with {@code {"Err": message}} for any failure (Docker shows
 * {@code Err} to the user), 404 for an unknown path, 405 for a method other than POST. Every request gets a JSON
 * body and the connection stays usable, whatever the request was.
 *
 * <p>Handlers run on Jetty's thread pool and may block: a Flush or a Remove that waits for uploads holds one pool
 * thread, never the others. Bodies are never logged: a Create body may hold credentials.
 */
final class PluginHandler extends Handler.Abstract {

    private static final Logger LOG = Logger.getLogger(PluginHandler.class.getName());

    /** Docker's messages are a few hundred bytes; a larger body is refused rather than buffered. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final PluginEndpoints endpoints;
    private final RequestDecoder decoder;

    PluginHandler(PluginEndpoints endpoints, RequestDecoder decoder) {
        super(InvocationType.BLOCKING);
        this.endpoints = endpoints;
        this.decoder = decoder;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        String route = Request.getPathInContext(request);
        String method = request.getMethod();
        Reply reply = replyTo(route, method, request);
        if (reply.answer instanceof ErrorResponse(String err) && reply.status != HttpStatus.OK_200) {
            LOG.warning(() -> method + " " + route + " -> " + reply.status + " in " + millisSince(started) + " ms: " + err);
        } else {
            LOG.fine(() -> method + " " + route + " -> " + reply.status + " in " + millisSince(started) + " ms");
        }
        send(response, reply.status, reply.answer, callback);
        return true;
    }

    /** The status and answer record of one request. */
    private record Reply(int status, Object answer) {
        static Reply failure(int status, String err) {
            return new Reply(status, new ErrorResponse(err));
        }
    }

    private Reply replyTo(String route, String method, Request request) {
        PluginEndpoints.Endpoint endpoint = endpoints.find(route);
        if (endpoint == null) {
            return Reply.failure(HttpStatus.NOT_FOUND_404, "unknown endpoint " + route
                    + "; the cloudsync plugin serves " + String.join(", ", PluginRoutes.ALL));
        }
        if (!HttpMethod.POST.is(method)) {
            return Reply.failure(HttpStatus.METHOD_NOT_ALLOWED_405, route + " accepts POST only, got " + method);
        }
        byte[] body;
        try {
            // Blocking here is fine: this handler is BLOCKING, so Jetty runs it on a pool thread.
            CompletableFuture<byte[]> read = new CompletableFuture<>();
            Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES, Promise.Invocable.toPromise(read));
            body = read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.failure(HttpStatus.INTERNAL_SERVER_ERROR_500, "the plugin is stopping; " + route + " was not run");
        } catch (ExecutionException e) {
            return Reply.failure(HttpStatus.INTERNAL_SERVER_ERROR_500, "could not read the request body of " + route
                    + " (at most " + MAX_BODY_BYTES + " bytes are accepted): " + messageOf(e.getCause()));
        }
        try {
            return new Reply(HttpStatus.OK_200, endpoint.answer(body));
        } catch (BadRequestException e) {
            return Reply.failure(HttpStatus.INTERNAL_SERVER_ERROR_500, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.failure(HttpStatus.INTERNAL_SERVER_ERROR_500, route + " was interrupted: the plugin is stopping");
        } catch (Exception | LinkageError | AssertionError e) {
            // The driver failed: its message is the user's error; the stack trace goes to the log only.
            LOG.log(Level.FINE, route + " failed", e);
            return Reply.failure(HttpStatus.INTERNAL_SERVER_ERROR_500, messageOf(e));
        }
    }

    private void send(Response response, int status, Object answer, Callback callback) {
        byte[] json;
        try {
            json = decoder.mapper().writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "could not encode the answer " + answer.getClass().getSimpleName(), e);
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
            json = ("{\"Err\":\"the plugin could not encode its answer (" + answer.getClass().getSimpleName()
                    + "); see the plugin log\"}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PluginRoutes.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, ByteBuffer.wrap(json), callback);
    }

    /** The exception's own message; a class name and a hint when it has none, so Err is never empty. */
    static String messageOf(Throwable e) {
        if (e == null) {
            return "unknown cause";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName() + " without a message; see the plugin log";
        }
        return message;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
