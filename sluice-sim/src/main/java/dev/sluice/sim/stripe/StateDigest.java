package dev.sluice.sim.stripe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The one definition of a state digest, shared by the simulator and whoever checks a copy against it: SHA-256
 * (lowercase hex) over the objects sorted by id ({@link String#compareTo}), each as {@code id "\n" canonical-json
 * "\n"}. Canonical JSON has every object's keys sorted by {@link String#compareTo}, no whitespace, and scalars as
 * Jackson writes them — so a copy stored as PostgreSQL {@code jsonb} (which reorders keys) or as text compares
 * equal when it holds the same values. Two sides agree only if they hold the same ids with the same data.
 */
public final class StateDigest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private StateDigest() {
    }

    /** The digest of id → JSON text. */
    public static Digest of(Map<String, String> objects) {
        MessageDigest sha = IdDigest.sha256();
        List<String> ids = new ArrayList<>(objects.keySet());
        ids.sort(null);
        for (String id : ids) {
            sha.update((id + "\n" + canonical(objects.get(id)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Digest(ids.size(), HexFormat.of().formatHex(sha.digest()));
    }

    /** The canonical form of a JSON text. */
    public static String canonical(String json) {
        try {
            return canonical(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** The canonical form of a JSON tree. */
    public static String canonical(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                write(g, node.get(name));
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeTree(node);
        }
    }
}
