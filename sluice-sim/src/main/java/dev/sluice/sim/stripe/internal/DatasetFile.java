package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A hand-written data layout: {@code {"seed":7,"resources":{"customers":[[gte,lt,count],…],…}}}, meaning
 * {@code count} objects with {@code created} uniform in {@code [gte, lt)} per triple. {@code seed} is optional.
 * Every error names the file, and the resource and triple where there is one.
 */
public record DatasetFile(OptionalLong seed, Map<ResourceKind, List<Span>> resources) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_OBJECTS = Integer.MAX_VALUE - 8;

    public record Span(long gte, long lt, long count) {
    }

    /** @param now every {@code lt} must be at most this (data ends at now) */
    public static DatasetFile read(Path file, long now) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--dataset " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "must hold a JSON object {\"seed\":…,\"resources\":{…}}");
        }
        OptionalLong seed = OptionalLong.empty();
        if (root.has("seed")) {
            if (!root.get("seed").canConvertToLong() || !root.get("seed").isIntegralNumber()) {
                throw bad(file, "seed must be an integer, was " + root.get("seed"));
            }
            seed = OptionalLong.of(root.get("seed").longValue());
        }
        JsonNode res = root.get("resources");
        if (res == null || !res.isObject()) {
            throw bad(file, "must hold \"resources\": {\"<resource>\": [[gte, lt, count], …]}");
        }
        Map<ResourceKind, List<Span>> out = new LinkedHashMap<>();
        long total = 0;
        for (var field : res.properties()) {
            String name = field.getKey();
            ResourceKind kind = ResourceKind.byName(name).orElseThrow(() -> bad(file,
                    "resource " + name + " is unknown; known: " + String.join(",", ResourceKind.names())));
            if (!field.getValue().isArray()) {
                throw bad(file, "resource " + name + " must be an array of [gte, lt, count] triples");
            }
            List<Span> spans = new ArrayList<>();
            int n = 0;
            for (JsonNode t : field.getValue()) {
                n++;
                String where = "resource " + name + ", triple #" + n + " " + t + ": ";
                if (!t.isArray() || t.size() != 3 || !isLong(t.get(0)) || !isLong(t.get(1)) || !isLong(t.get(2))) {
                    throw bad(file, where + "must be [gte, lt, count] with three integers");
                }
                Span s = new Span(t.get(0).longValue(), t.get(1).longValue(), t.get(2).longValue());
                if (s.gte() >= s.lt()) {
                    throw bad(file, where + "gte must be < lt");
                }
                if (s.gte() < 0) {
                    throw bad(file, where + "gte must be >= 0");
                }
                if (s.count() < 0) {
                    throw bad(file, where + "count must be >= 0");
                }
                if (s.lt() > now) {
                    throw bad(file, where + "lt must be <= now (" + now + "): data ends at now");
                }
                total += s.count();
                if (total > MAX_OBJECTS) {
                    throw bad(file, where + "too many objects in total");
                }
                spans.add(s);
            }
            out.put(kind, List.copyOf(spans));
        }
        return new DatasetFile(seed, out);
    }

    /** The earliest {@code gte} of any span, if there is one. */
    public OptionalLong earliest() {
        return resources.values().stream().flatMap(List::stream).mapToLong(Span::gte).min();
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong();
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException("--dataset " + file + ": " + what);
    }
}
