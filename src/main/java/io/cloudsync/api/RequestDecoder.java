package io.cloudsync.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Turns a request body into its {@link PluginRequests} record, and every way that can fail into a
 * {@link BadRequestException} that names the endpoint and the expected fields. An empty body or a JSON
 * {@code null} counts as {@code {}}: Docker sends no body at all for some calls, and a missing field is then
 * reported by {@link #requireField}, which says which field. Error messages give a position, never the body's
 * text: a Create body may hold credentials.
 */
final class RequestDecoder {

    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Keeps body text out of Jackson's messages, so no exception can carry a secret into a log.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** The JSON writer for answers, configured alongside the reader. */
    ObjectMapper mapper() {
        return mapper;
    }

    /** Decodes {@code body} sent to {@code route} as a {@code type}; never returns null. */
    <T extends Record> T decode(String route, byte[] body, Class<T> type) throws BadRequestException {
        byte[] json = isBlank(body) ? EMPTY_OBJECT : body;
        try {
            T value = mapper.readValue(json, type);
            return value != null ? value : mapper.readValue(EMPTY_OBJECT, type);
        } catch (StreamReadException e) {
            throw notJson(route, e, type);
        } catch (DatabindException e) {
            // Jackson wraps a syntax error found inside a nested value (an Opts map) in a mapping exception.
            if (syntaxErrorIn(e) instanceof StreamReadException syntax) {
                throw notJson(route, syntax, type);
            }
            throw new BadRequestException("the request body of " + route + " does not have the expected shape"
                    + fieldOf(e) + "; expected " + expectedShape(type));
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the request body of " + route + " could not be read as JSON ("
                    + where(e) + "); expected " + expectedShape(type));
        } catch (IOException e) {
            // Reading a byte array does no I/O; this would be a Jackson defect, still reported without the body.
            throw new BadRequestException("the request body of " + route + " could not be decoded: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Returns {@code value}, or fails with a message naming the missing {@code field} when it is null or blank. */
    static String requireField(String route, String field, String value) throws BadRequestException {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("the request to " + route + " has no " + field
                    + " (expected a JSON object with a non-empty \"" + field + "\" string)");
        }
        return value;
    }

    private static BadRequestException notJson(String route, StreamReadException e, Class<? extends Record> type) {
        return new BadRequestException("the request body of " + route + " is not valid JSON (" + where(e)
                + "); expected " + expectedShape(type));
    }

    private static Throwable syntaxErrorIn(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null && cause != e; e = cause, cause = cause.getCause()) {
            if (cause instanceof StreamReadException) {
                return cause;
            }
        }
        return null;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 0) {
            return "position unknown";
        }
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String fieldOf(DatabindException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        String path = mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "" : " (field " + path + " has the wrong type)";
    }

    /**
     * "a JSON object with fields Name, Opts", from the record's Docker field names. Read from the accessors:
     * {@code @JsonProperty} cannot target record components, so Java propagates it to fields, accessors and
     * constructor parameters only.
     */
    private static String expectedShape(Class<? extends Record> type) {
        String fields = Arrays.stream(type.getRecordComponents())
                .map(c -> c.getAccessor().getAnnotation(JsonProperty.class))
                .filter(p -> p != null)
                .map(JsonProperty::value)
                .collect(Collectors.joining(", "));
        return "a JSON object with fields " + fields;
    }
}
