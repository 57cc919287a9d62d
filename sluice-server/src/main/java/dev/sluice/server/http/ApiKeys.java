package dev.sluice.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Maps {@code Authorization: Bearer <key>} to the owner id its batches are stored under: a hash of the key, so the
 * database never holds a key and one key never sees another's batches.
 */
public final class ApiKeys {
    private final Map<String, String> ownerByKey = new HashMap<>();

    public ApiKeys(List<String> keys) {
        for (String k : keys) {
            ownerByKey.put(k, owner(k));
        }
    }

    /** The owner for the request's key; throws 401 when the key is missing or unknown. */
    public String authenticate(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized("missing Authorization: Bearer <api key>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("the Authorization header must be 'Bearer <api key>'");
        }
        String owner = ownerByKey.get(header.substring(7).trim());
        if (owner == null) {
            throw ApiError.unauthorized("invalid API key");
        }
        return owner;
    }

    static String owner(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key_" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
