package dev.sluice.server.trigger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.ApiKeys;
import dev.sluice.server.http.Handlers;
import dev.sluice.server.http.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * trigger.dev's large-payload handshake: {@code PUT /api/v2/packets/{path}} (bearer key) answers
 * {@code {presignedUrl, storagePath}}, where the URL is a signed, expiring upload URL on this server and
 * {@code storagePath} is the object key the client later sends as an item's payload with
 * {@code options.payloadType = "application/store"}. {@code PUT /v1/uploads/{key}?expires&sig} takes the bytes into
 * the object store; its signature is its authorization (as with S3 presigned URLs, no bearer key).
 *
 * <p>Keys are {@code packets/<owner>/<sanitised path>}: one key cannot upload into, or reference, another's packets.
 */
public final class PacketRoutes {
    static final String PREFIX = "packets/";
    private static final int MAX_PATH = 512;

    private final ObjectStore objects;
    private final ApiKeys keys;
    private final UploadSigner signer;
    private final long maxUploadBytes;
    private final long maxDrainBytes;

    PacketRoutes(ObjectStore objects, ApiKeys keys, UploadSigner signer, long maxUploadBytes, long maxDrainBytes) {
        this.objects = objects;
        this.keys = keys;
        this.signer = signer;
        this.maxUploadBytes = maxUploadBytes;
        this.maxDrainBytes = maxDrainBytes;
    }

    public void register(HttpRules rules) {
        rules.put("/api/v2/packets/{+path}", Handlers.guarded(this::presign, maxDrainBytes))
                .put("/v1/uploads/{+key}", Handlers.guarded(this::upload, maxDrainBytes));
    }

    /** The owner's prefix under which their packets live. */
    static String ownerPrefix(String owner) {
        return PREFIX + owner + "/";
    }

    private void presign(ServerRequest req, ServerResponse res) {
        String owner = keys.authenticate(req);
        Responses.drain(req, maxDrainBytes); // the SDK sends an empty body; never answer before reading it
        String path = req.path().pathParameters().get("path");
        String key = ownerPrefix(owner) + sanitise(path);
        long expires = signer.expiresFromNow();
        String host = req.headers().first(HeaderNames.HOST)
                .orElse(req.localPeer().host() + ":" + req.localPeer().port());
        String url = (req.isSecure() ? "https" : "http") + "://" + host + "/v1/uploads/" + key
                + "?expires=" + expires + "&sig=" + URLEncoder.encode(signer.sign(key, expires), StandardCharsets.UTF_8);
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("presignedUrl", url);
        out.put("storagePath", key);
        Responses.json(res, 200, out);
    }

    private void upload(ServerRequest req, ServerResponse res) throws IOException {
        String key = req.path().pathParameters().get("key");
        String problem = signer.problem(key, req.query().first("expires").orElse(null),
                req.query().first("sig").orElse(null));
        if (problem != null) {
            throw new ApiError(403, "FORBIDDEN", problem);
        }
        long length = req.headers().contentLength().orElse(-1L);
        if (length < 0) {
            throw new ApiError(411, "LENGTH_REQUIRED", "an upload needs a Content-Length");
        }
        if (length > maxUploadBytes) {
            throw new ApiError(413, "PAYLOAD_TOO_LARGE",
                    "an upload may be at most " + maxUploadBytes + " bytes, was " + length);
        }
        try (InputStream in = req.content().inputStream()) {
            objects.put(key, in, length);
        } catch (IOException e) {
            throw new ApiError(503, "OBJECT_STORE_UNAVAILABLE",
                    "could not store the upload in " + objects.describe() + ": " + e.getMessage());
        }
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("key", key);
        out.put("bytes", length);
        Responses.json(res, 200, out);
    }

    /**
     * The client's path made into object-key segments: characters outside {@code [A-Za-z0-9._-]} become {@code _},
     * empty segments are dropped and {@code .}/{@code ..} become {@code _}, so the result always passes
     * {@link ObjectStore#checkKey} and cannot climb out of the owner's prefix.
     */
    static String sanitise(String path) {
        if (path == null || path.isBlank() || path.length() > MAX_PATH) {
            throw ApiError.badRequest("the packet path must be 1-" + MAX_PATH + " characters");
        }
        StringBuilder sb = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String s = segment.replaceAll("[^A-Za-z0-9._-]", "_");
            if (s.equals(".") || s.equals("..")) {
                s = "_";
            }
            sb.append(sb.isEmpty() ? "" : "/").append(s);
        }
        if (sb.isEmpty()) {
            throw ApiError.badRequest("the packet path '" + path + "' names no file");
        }
        return sb.toString();
    }
}
