package dev.sluice.sim.jetstream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Everything a {@link JetstreamSimulator} run is made of: where it listens and which firehose it serves. Immutable;
 * build one with {@link #builder()}. Every setter checks its argument and names the command-line flag in its message,
 * so the CLI can pass the message straight to the user.
 *
 * <p>The firehose: {@code events} historical events spread over the {@code hours} before the start time, from
 * {@code dids} repositories, then a live tail of {@code rate} events per second for as long as it runs. Event
 * {@code i} is a pure function of {@code (seed, i)} and these settings, so the same config serves the same bytes.
 *
 * @param port        TCP port, 0 for an ephemeral one
 * @param bindAddress address to listen on
 * @param events      historical events, before the start time
 * @param hours       how far back the history reaches
 * @param dids        repositories the events come from (some far more active than others)
 * @param seed        seed for everything generated
 * @param rate        live events per second after the start time
 * @param collections share of each collection among record creations (weights, summing to 1)
 * @param retention   how far back a cursor may reach; an older cursor is clamped to the oldest retained event
 * @param startUs     the start time in unix microseconds, or empty for the clock's time at start
 * @param dropAfter   close each subscriber's socket abruptly after this many events (0: never), to test reconnects
 * @param prerender   render every historical event's frame once at start and serve it from memory, so that serving
 *                    costs the socket and little else (a benchmark's source, apart from the replay it feeds); the
 *                    history's frames then take their size in heap
 */
public record JetstreamSimConfig(
        int port,
        String bindAddress,
        long events,
        int hours,
        int dids,
        long seed,
        double rate,
        Map<String, Double> collections,
        Duration retention,
        OptionalLong startUs,
        long dropAfter,
        boolean prerender) {

    /** The default mix of record creations, roughly the network's: mostly likes, then posts, follows, reposts. */
    public static final Map<String, Double> DEFAULT_COLLECTIONS = defaultCollections();

    /** Above this the live tail's µs timestamps could collide; Jetstream itself caps a subscriber at 5,000/s. */
    public static final double MAX_RATE = 500_000;

    /** Historical events are at least this many µs apart on average, so jitter can keep {@code time_us} strict. */
    static final long MIN_SPACING_US = 4;

    private static final Pattern NSID = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*(\\.[a-zA-Z0-9-]+)+");

    public JetstreamSimConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(startUs, "startUs");
        collections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(collections));
    }

    private static Map<String, Double> defaultCollections() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("app.bsky.feed.like", 0.50);
        m.put("app.bsky.feed.post", 0.20);
        m.put("app.bsky.graph.follow", 0.15);
        m.put("app.bsky.feed.repost", 0.10);
        m.put("app.bsky.actor.profile", 0.05);
        return java.util.Collections.unmodifiableMap(m);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, for a variation of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port;
        b.bindAddress = bindAddress;
        b.events = events;
        b.hours = hours;
        b.dids = dids;
        b.seed = seed;
        b.rate = rate;
        b.collections = new LinkedHashMap<>(collections);
        b.retention = retention;
        b.startUs = startUs.isPresent() ? startUs.getAsLong() : null;
        b.dropAfter = dropAfter;
        b.prerender = prerender;
        return b;
    }

    public static final class Builder {
        private int port = 6008;
        private String bindAddress = "127.0.0.1";
        private long events = 100_000;
        private int hours = 24;
        private int dids = 10_000;
        private long seed = 1;
        private double rate = 1_000;
        private Map<String, Double> collections = new LinkedHashMap<>(DEFAULT_COLLECTIONS);
        private Duration retention; // null: hours
        private Long startUs; // null: the clock's time at start
        private long dropAfter = 0;
        private boolean prerender;

        private Builder() {
        }

        public Builder port(int port) {
            check(port >= 0 && port <= 65_535, "--port must be in 0..65535, was " + port);
            this.port = port;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            check(bindAddress != null && !bindAddress.isBlank(), "--bind must not be blank");
            this.bindAddress = bindAddress.trim();
            return this;
        }

        public Builder events(long events) {
            check(events >= 0, "--events must be >= 0, was " + events);
            this.events = events;
            return this;
        }

        public Builder hours(int hours) {
            check(hours >= 1, "--hours must be >= 1, was " + hours);
            this.hours = hours;
            return this;
        }

        public Builder dids(int dids) {
            check(dids >= 1, "--dids must be >= 1, was " + dids);
            this.dids = dids;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder rate(double perSecond) {
            check(perSecond > 0 && perSecond <= MAX_RATE, // also rejects NaN
                    "--rate must be in (0, " + (long) MAX_RATE + "] events/s, was " + perSecond);
            this.rate = perSecond;
            return this;
        }

        /** Weights per collection NSID; they are normalised to sum to 1. */
        public Builder collections(Map<String, Double> weights) {
            check(weights != null && !weights.isEmpty(), "--collections must name at least one collection");
            double sum = 0;
            for (Map.Entry<String, Double> e : weights.entrySet()) {
                check(e.getKey() != null && NSID.matcher(e.getKey()).matches(),
                        "--collections must hold NSIDs like app.bsky.feed.like, was " + e.getKey());
                check(e.getValue() != null && e.getValue() > 0 && Double.isFinite(e.getValue()),
                        "--collections weights must be > 0, was " + e.getValue() + " for " + e.getKey());
                sum += e.getValue();
            }
            Map<String, Double> normalised = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : weights.entrySet()) {
                normalised.put(e.getKey(), e.getValue() / sum);
            }
            this.collections = normalised;
            return this;
        }

        public Builder retention(Duration retention) {
            check(retention != null && retention.isPositive(), "--retention must be > 0, was " + retention);
            this.retention = retention;
            return this;
        }

        public Builder startUs(long startUs) {
            check(startUs > 0, "the start time must be > 0 unix microseconds, was " + startUs);
            this.startUs = startUs;
            return this;
        }

        public Builder dropAfter(long events) {
            check(events >= 0, "--drop-after must be >= 0 (0: never), was " + events);
            this.dropAfter = events;
            return this;
        }

        public Builder prerender(boolean prerender) {
            this.prerender = prerender;
            return this;
        }

        public JetstreamSimConfig build() {
            long spanUs = hours * 3_600_000_000L;
            check(!prerender || events <= Integer.MAX_VALUE, "--prerender holds at most " + Integer.MAX_VALUE
                    + " events, was " + events);
            check(events <= spanUs / MIN_SPACING_US, "--events must be at most " + spanUs / MIN_SPACING_US
                    + " for --hours " + hours + " (one event per " + MIN_SPACING_US + " µs), was " + events);
            Duration keep = retention != null ? retention : Duration.ofHours(hours);
            return new JetstreamSimConfig(port, bindAddress, events, hours, dids, seed, rate, collections, keep,
                    startUs == null ? OptionalLong.empty() : OptionalLong.of(startUs), dropAfter, prerender);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
