package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/** The made-up values objects are rendered from: names, places, amounts, and the JSON pieces several share. */
final class FakeValues {

    static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken",
        "Radia", "Leslie", "Frances", "John", "Hedy", "Dennis", "Katherine", "Linus"};
    static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton",
        "Thompson", "Perlman", "Lamport", "Allen", "Backus", "Lamarr", "Ritchie", "Johnson", "Torvalds"};
    static final String[][] PLACES = {
        {"San Francisco", "CA", "US", "94107"}, {"New York", "NY", "US", "10001"}, {"Austin", "TX", "US", "73301"},
        {"Seattle", "WA", "US", "98101"}, {"Toronto", "ON", "CA", "M5H 2N2"}, {"London", null, "GB", "EC1A 1BB"},
        {"Berlin", null, "DE", "10115"}, {"Dublin", null, "IE", "D02 X285"}};
    static final String[] STREETS = {"Market St", "Main St", "Elm Ave", "King St", "High St", "Oak Rd"};
    static final String[] CURRENCIES = {"usd", "usd", "usd", "eur", "gbp", "cad"};
    static final String[] BRANDS = {"visa", "mastercard", "amex", "discover"};
    static final String[] PRODUCTS = {"Starter plan", "Pro plan", "Team plan", "Enterprise plan",
        "API credits", "Support add-on", "Extra seat", "Storage pack"};
    static final String[] NOTES = {"Thanks for your business", "Net 30", "Adjusted after review",
        "Includes annual discount", "Reissued with new address"};

    private FakeValues() {
    }

    static String name(SplittableRandom r) {
        return pick(r, FIRST) + " " + pick(r, LAST);
    }

    static String email(String name, SplittableRandom r) {
        return name.toLowerCase(Locale.ROOT).replace(' ', '.') + r.nextInt(1_000) + "@example.com";
    }

    static String phone(SplittableRandom r) {
        return "+1555" + String.format("%07d", r.nextInt(10_000_000));
    }

    static long amount(SplittableRandom r) {
        return 100L * (1 + r.nextInt(500)) + (r.nextBoolean() ? 0 : 99);
    }

    static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** The random stream of an object's fields that change with version {@code version} (>= 1). */
    static SplittableRandom versionStream(long seed, String id, int version) {
        return Seeds.random(seed, id + "#" + version);
    }

    static void address(JsonGenerator g, String field, SplittableRandom r) throws IOException {
        String[] place = pick(r, PLACES);
        g.writeObjectFieldStart(field);
        g.writeStringField("city", place[0]);
        g.writeStringField("country", place[2]);
        g.writeStringField("line1", (1 + r.nextInt(999)) + " " + pick(r, STREETS));
        g.writeStringField("line2", r.nextInt(3) == 0 ? "Suite " + (100 + r.nextInt(900)) : null);
        g.writeStringField("postal_code", place[3]);
        g.writeStringField("state", place[1]);
        g.writeEndObject();
    }

    /** {@code metadata}, with {@code sim_version} once the object has been updated. */
    static void metadata(JsonGenerator g, SplittableRandom r, Revision rev) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("order_id", "ord_" + Seeds.id("", 10, r));
        if (rev.version() > 0) {
            g.writeStringField("sim_version", Integer.toString(rev.version()));
        }
        g.writeStringField("source", r.nextBoolean() ? "checkout" : "api");
        g.writeEndObject();
    }

    static void nullableSecond(JsonGenerator g, String field, boolean present, long value) throws IOException {
        if (present) {
            g.writeNumberField(field, value);
        } else {
            g.writeNullField(field);
        }
    }
}
