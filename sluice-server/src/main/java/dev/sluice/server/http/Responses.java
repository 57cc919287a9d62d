package dev.sluice.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON answers, and the rule that every early answer first drains what the client is still sending. */
public final class Responses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    public static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers with an error after reading the rest of the request body (up to {@code maxDrainBytes}; past that the
     * connection is closed after the answer). NOTE: streaming clients such as the trigger.dev SDK never settle when
     * the server answers before it has read the whole body, so no error goes out undrained.
     */
    public static void error(ServerRequest req, ServerResponse res, ApiError e, long maxDrainBytes) {
        boolean drained = drain(req, maxDrainBytes);
        ObjectNode body = JSON.createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("code", e.code());
        err.put("message", e.getMessage());
        if (e.line() != null) {
            err.put("line", e.line());
        }
        if (e.index() != null) {
            err.put("index", e.index());
        }
        if (!drained) {
            res.header(HeaderNames.CONNECTION, "close");
        }
        json(res, e.status(), body);
    }

    /** Reads and discards the request body; false when it was longer than {@code limit} or broke off. */
    public static boolean drain(ServerRequest req, long limit) {
        try (InputStream in = req.content().inputStream()) {
            return drain(in, limit);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static boolean drain(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > limit) {
                return false;
            }
        }
        return true;
    }
}
