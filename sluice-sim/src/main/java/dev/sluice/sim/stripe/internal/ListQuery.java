package dev.sluice.sim.stripe.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a list request, checked as Stripe checks them. The created filters are folded into one
 * half-open range {@code [lo, hi)}; an empty value counts as absent (form encoding's way of unsetting).
 * Unknown parameters are ignored.
 */
public record ListQuery(int limit, String startingAfter, String endingBefore, long lo, long hi) {

    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    public static ListQuery parse(Map<String, String> params) {
        int limit = DEFAULT_LIMIT;
        String rawLimit = value(params, "limit");
        if (rawLimit != null) {
            long l = integer(rawLimit, "limit");
            if (l < 1 || l > MAX_LIMIT) {
                throw StripeError.invalidRequest(400, "Invalid limit: must be between 1 and " + MAX_LIMIT, "limit");
            }
            limit = (int) l;
        }
        String after = value(params, "starting_after");
        String before = value(params, "ending_before");
        if (after != null && before != null) {
            throw StripeError.invalidRequest(400,
                    "You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        String v;
        if ((v = value(params, "created")) != null) {
            long t = integer(v, "created");
            lo = Math.max(lo, t);
            hi = Math.min(hi, plusOne(t));
        }
        if ((v = value(params, "created[gt]")) != null) {
            lo = Math.max(lo, plusOne(integer(v, "created[gt]")));
        }
        if ((v = value(params, "created[gte]")) != null) {
            lo = Math.max(lo, integer(v, "created[gte]"));
        }
        if ((v = value(params, "created[lt]")) != null) {
            hi = Math.min(hi, integer(v, "created[lt]"));
        }
        if ((v = value(params, "created[lte]")) != null) {
            hi = Math.min(hi, plusOne(integer(v, "created[lte]")));
        }
        return new ListQuery(limit, after, before, lo, hi);
    }

    /** Decodes a raw ({@code %}-encoded) query string; the first value of a repeated name wins. */
    public static Map<String, String> decode(String rawQuery) {
        return first(decodeAll(rawQuery));
    }

    /** Decodes a raw query string keeping every value of a repeated name ({@code types[]=a&types[]=b}), in order. */
    public static Map<String, List<String>> decodeAll(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), n -> new ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw StripeError.invalidRequest(400, "Invalid query string: " + e.getMessage(), null);
            }
        }
        return params;
    }

    /** The first value of each name. */
    public static Map<String, String> first(Map<String, List<String>> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((name, values) -> out.put(name, values.getFirst()));
        return out;
    }

    private static String value(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static long integer(String value, String param) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw StripeError.invalidRequest(400, "Invalid integer: " + value, param);
        }
    }

    private static long plusOne(long t) {
        return t == Long.MAX_VALUE ? t : t + 1;
    }
}
