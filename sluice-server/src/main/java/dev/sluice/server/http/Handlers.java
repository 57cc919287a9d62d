package dev.sluice.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.run.IngestException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * What every route shares: {@link ApiError}s, and the engine's {@link IngestException}s mapped by
 * {@link ApiError#of}, become JSON answers after the body is drained; small JSON bodies.
 */
public final class Handlers {
    private Handlers() {
    }

    /** A handler that may throw; {@link ApiError} is the expected way to refuse. */
    public interface Throwing {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Wraps {@code h} so its refusals are answered (after draining at most {@code maxDrainBytes}). */
    public static Handler guarded(Throwing h, long maxDrainBytes) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ApiError e) {
                Responses.error(req, res, e, maxDrainBytes);
            } catch (IngestException e) {
                Responses.error(req, res, ApiError.of(e), maxDrainBytes);
            }
        };
    }

    /** Reads a JSON object body of at most {@code limit} bytes; {@code example} shows the shape in the 400. */
    public static JsonNode readJsonObject(ServerRequest req, int limit, String example) throws IOException {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new ApiError(413, "BODY_TOO_LARGE", "the request body must be under " + limit + " bytes");
            }
        }
        try {
            JsonNode node = Responses.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("the body must be a JSON object like " + example);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
