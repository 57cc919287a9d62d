package dev.sluice.sim.stripe.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /v1/events}, checked as Stripe checks them: the list parameters of
 * {@link ListQuery}, then {@code type} (a name, or a pattern with {@code *}) or {@code types[]} (at most 20 names,
 * not both), and {@code delivery_success}.
 */
public record EventQuery(ListQuery list, Predicate<String> type, Boolean deliverySuccess) {

    public static final int MAX_TYPES = 20;

    public static EventQuery parse(Map<String, List<String>> params) {
        ListQuery list = ListQuery.parse(ListQuery.first(params));
        String type = single(params, "type");
        List<String> types = types(params);
        if (type != null && !types.isEmpty()) {
            throw StripeError.invalidRequest(400,
                    "You may only specify one of these parameters: type, types.", "types");
        }
        if (types.size() > MAX_TYPES) {
            throw StripeError.invalidRequest(400, "Invalid array: types may hold at most " + MAX_TYPES
                    + " elements, was " + types.size() + ".", "types");
        }
        Predicate<String> filter = t -> true;
        if (type != null) {
            filter = type.contains("*") ? wildcard(type) : type::equals;
        } else if (!types.isEmpty()) {
            filter = List.copyOf(types)::contains;
        }
        Boolean delivery = null;
        String raw = single(params, "delivery_success");
        if (raw != null) {
            if (!raw.equals("true") && !raw.equals("false")) {
                throw StripeError.invalidRequest(400, "Invalid boolean: " + raw, "delivery_success");
            }
            delivery = Boolean.valueOf(raw);
        }
        return new EventQuery(list, filter, delivery);
    }

    /** Whether an event passes the type and delivery filters (the created range and cursors are the log's). */
    public boolean accepts(EventRecord e) {
        return type.test(e.type()) && (deliverySuccess == null || deliverySuccess == (e.delivery().pending() == 0));
    }

    /** {@code types[]=a&types[]=b} or {@code types[0]=a&types[1]=b}, in the order given, empty values dropped. */
    private static List<String> types(Map<String, List<String>> params) {
        List<String> out = new ArrayList<>();
        for (var e : params.entrySet()) {
            if (e.getKey().startsWith("types[") && e.getKey().endsWith("]")) {
                e.getValue().stream().filter(v -> !v.isEmpty()).forEach(out::add);
            }
        }
        return out;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.getFirst().isEmpty() ? null : v.getFirst();
    }

    /** {@code customer.*} matches every type that starts with {@code customer.}; {@code *} is any run of characters. */
    private static Predicate<String> wildcard(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString()).asMatchPredicate();
    }
}
