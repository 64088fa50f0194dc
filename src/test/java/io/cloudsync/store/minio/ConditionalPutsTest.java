package io.cloudsync.store.minio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsync.testsupport.CapturedLog;
import io.cloudsync.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a store finds out whether its server checks conditional writes: one PUT of no bytes beside the first
 * conditional upload, remembered for the store's life (a volume's run); a server that ignores the condition gets the
 * probe object removed at once and a warning in the log; a probe that fails for a passing reason is tried again.
 */
class ConditionalPutsTest {

    /** The probe's requests, answered as a server would; records them. */
    private static final class FakeServer implements ConditionalPuts.ProbeRequests {
        final List<String> requests = new ArrayList<>();
        StoreException putAnswer;

        @Override
        public void putEmpty(String key, Map<String, String> headers) throws StoreException {
            requests.add("PUT " + key + " " + headers);
            if (putAnswer != null) {
                throw putAnswer;
            }
        }

        @Override
        public void delete(String key) {
            requests.add("DELETE " + key);
        }
    }

    private final ConditionalPuts conditionalPuts = new ConditionalPuts("bucket 'b' at http://127.0.0.1:1");

    @Test
    void aServerThatRefusesTheProbeIsAskedOnceAndKeepsNoObject() throws Exception {
        FakeServer server = new FakeServer();
        server.putAnswer = new StoreException.PreconditionFailed("412", null);

        assertTrue(conditionalPuts.serverChecks("vol/dir/first.txt", server));
        assertTrue(conditionalPuts.serverChecks("vol/other.txt", server));

        assertEquals(1, server.requests.size(), server.requests::toString);
        String probe = server.requests.getFirst();
        assertTrue(probe.startsWith("PUT vol/dir/" + ConditionalPuts.PROBE_NAME), "beside the first upload: " + probe);
        assertTrue(probe.contains("If-Match"), probe);
    }

    @Test
    void aServerThatIgnoresTheConditionHasTheProbeObjectRemovedAtOnceAndTheLogSaysSo() throws Exception {
        FakeServer server = new FakeServer();
        List<String> warnings;
        try (CapturedLog log = CapturedLog.of(ConditionalPuts.class)) {
            assertFalse(conditionalPuts.serverChecks("vol/a.txt", server));
            assertFalse(conditionalPuts.serverChecks("vol/b.txt", server));
            warnings = log.warnings();
        }

        assertEquals(2, server.requests.size(), server.requests::toString);
        String probeKey = server.requests.get(0).split(" ")[1];
        assertEquals("DELETE " + probeKey, server.requests.get(1), "the empty object the server wrote is removed");
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.getFirst().contains("does not check conditional writes"), warnings.getFirst());
    }

    @Test
    void aTransientFailureWithoutACauseIsThrownAndTheNextUploadProbesAgain() throws Exception {
        FakeServer server = new FakeServer();
        StoreException.Transient unreachable = new StoreException.Transient("connection refused", null);
        server.putAnswer = unreachable;

        StoreException thrown = assertThrows(StoreException.Transient.class,
                () -> conditionalPuts.serverChecks("vol/a.txt", server));
        assertSame(unreachable, thrown, "the store's own failure, not a NullPointerException");

        server.putAnswer = new StoreException.NotFound("NoSuchKey, as AWS answers", null);
        assertTrue(conditionalPuts.serverChecks("vol/a.txt", server), "probed again, and found out this time");
        assertEquals(2, server.requests.size(), server.requests::toString);
    }
}
