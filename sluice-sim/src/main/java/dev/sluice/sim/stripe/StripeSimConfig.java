package dev.sluice.sim.stripe;

import dev.sluice.sim.stripe.internal.ResourceKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a {@link StripeSimulator} run is made of: where it listens, what data it holds, how fast it lets callers
 * go and which faults it injects. Immutable; build one with {@link #builder()}. Every setter checks its argument and
 * names the command-line flag in its message, so the CLI can pass the message straight to the user.
 *
 * <p>Data: {@code objects} are split equally over {@code resources} (remainder to the first), with {@code created}
 * spread over {@code [accountCreated, now)} by {@code profile}. A {@code dataset} file replaces all four.
 *
 * <p>Faults ({@code errorRate}, {@code throttleRate}, {@code hangRate}, {@code truncateRate}) are fractions of list
 * requests that passed authentication and the rate limit; they exclude each other, so their sum is at most 1.
 * The dice are a {@link java.util.Random} seeded from {@code seed}: a sequential client sees the same faults on every
 * run.
 *
 * @param port            TCP port, 0 for an ephemeral one
 * @param bindAddress     address to listen on
 * @param seed            seed for data, ids, object bodies and fault dice
 * @param objects         objects in total across {@code resources}
 * @param profile         how {@code created} is spread over the account's life
 * @param resources       the resources that hold data, e.g. {@code customers}; others answer empty lists
 * @param dataset         a dataset file that overrides objects/profile/seed/resources, or {@code null}
 * @param now             epoch second the data ends at (every initial {@code created} is {@code < now})
 * @param accountAgeDays  {@code accountCreated = now - accountAgeDays * 86400}
 * @param rps             token-bucket refill per API key, per second; {@link Double#POSITIVE_INFINITY} for no limit
 * @param burst           token-bucket capacity
 * @param latencyMs       delay before every {@code /v1} answer
 * @param latencyJitterMs the delay varies uniformly by up to this much either way (never below 0)
 * @param errorRate       fraction of list requests answered 500
 * @param throttleRate    fraction of list requests answered 429 whatever the caller's rate
 * @param hangRate        fraction of list requests held {@code hangMs} and then dropped with no response
 * @param hangMs          how long a hang holds the connection
 * @param truncateRate    fraction of 200 list responses cut in half
 * @param createRate      new objects per second per data resource while running, created at the wall-clock second
 * @param apiKeys         accepted keys; empty accepts any key that starts with {@code sk_}
 */
public record StripeSimConfig(
        int port,
        String bindAddress,
        long seed,
        int objects,
        Profile profile,
        List<String> resources,
        Path dataset,
        long now,
        int accountAgeDays,
        double rps,
        int burst,
        long latencyMs,
        long latencyJitterMs,
        double errorRate,
        double throttleRate,
        double hangRate,
        long hangMs,
        double truncateRate,
        double createRate,
        Set<String> apiKeys) {

    public static final int DEFAULT_ACCOUNT_AGE_DAYS = 3 * 365;
    public static final int SPARSE_OLD_ACCOUNT_AGE_DAYS = 10 * 365;

    public StripeSimConfig {
        resources = List.copyOf(resources);
        apiKeys = Set.copyOf(apiKeys);
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(profile, "profile");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, for a variation of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port;
        b.bindAddress = bindAddress;
        b.seed = seed;
        b.objects = objects;
        b.profile = profile;
        b.resources = new ArrayList<>(resources);
        b.dataset = dataset;
        b.now = now;
        b.accountAgeDays = accountAgeDays;
        b.rps = rps;
        b.burst = burst;
        b.latencyMs = latencyMs;
        b.latencyJitterMs = latencyJitterMs;
        b.errorRate = errorRate;
        b.throttleRate = throttleRate;
        b.hangRate = hangRate;
        b.hangMs = hangMs;
        b.truncateRate = truncateRate;
        b.createRate = createRate;
        b.apiKeys = new LinkedHashSet<>(apiKeys);
        return b;
    }

    /** The dataset file, if one replaces the generated data. */
    public Optional<Path> datasetFile() {
        return Optional.ofNullable(dataset);
    }

    /** Epoch second the account was created, before any dataset widens it (see {@link StripeSimulator}). */
    public long accountCreated() {
        return now - accountAgeDays * 86_400L;
    }

    public static final class Builder {
        private int port = 12111;
        private String bindAddress = "127.0.0.1";
        private long seed = 1;
        private int objects = 10_000;
        private Profile profile = Profile.UNIFORM;
        private List<String> resources = new ArrayList<>(List.of("customers", "charges", "invoices"));
        private Path dataset;
        private Long now; // null: the current time at build()
        private Integer accountAgeDays; // null: 3 years, or 10 for sparse-old
        private double rps = 25;
        private Integer burst; // null: max(1, ceil(rps * 0.1))
        private long latencyMs = 0;
        private long latencyJitterMs = 0;
        private double errorRate = 0;
        private double throttleRate = 0;
        private double hangRate = 0;
        private long hangMs = 5_000;
        private double truncateRate = 0;
        private double createRate = 0;
        private Set<String> apiKeys = new LinkedHashSet<>();

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

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder objects(int objects) {
            check(objects >= 0, "--objects must be >= 0, was " + objects);
            this.objects = objects;
            return this;
        }

        public Builder profile(Profile profile) {
            check(profile != null, "--profile must not be empty");
            this.profile = profile;
            return this;
        }

        /** Parses {@code uniform|recent|spikes|pileup|sparse-old}. */
        public Builder profile(String profile) {
            return profile(Profile.parse(profile));
        }

        public Builder resources(List<String> resources) {
            check(resources != null && !resources.isEmpty(), "--resources must name at least one resource");
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(resources.stream().map(String::trim).toList()));
            for (String r : distinct) {
                check(ResourceKind.byName(r).isPresent(),
                        "--resources must be among " + String.join(",", ResourceKind.names()) + ", was " + r);
            }
            this.resources = distinct;
            return this;
        }

        /** Comma-separated, as on the command line: {@code customers,charges}. */
        public Builder resources(String csv) {
            check(csv != null, "--resources must name at least one resource");
            return resources(Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }

        public Builder dataset(Path dataset) {
            this.dataset = dataset;
            return this;
        }

        public Builder now(long epochSecond) {
            check(epochSecond > 0, "--now must be > 0 (epoch seconds), was " + epochSecond);
            this.now = epochSecond;
            return this;
        }

        public Builder accountAgeDays(int days) {
            check(days >= 1, "--account-age-days must be >= 1, was " + days);
            this.accountAgeDays = days;
            return this;
        }

        public Builder rps(double rps) {
            check(rps > 0, "--rps must be > 0, was " + num(rps)); // also rejects NaN
            this.rps = rps;
            return this;
        }

        public Builder burst(int burst) {
            check(burst >= 1, "--burst must be >= 1, was " + burst);
            this.burst = burst;
            return this;
        }

        public Builder latencyMs(long latencyMs) {
            check(latencyMs >= 0, "--latency-ms must be >= 0, was " + latencyMs);
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder latencyJitterMs(long jitterMs) {
            check(jitterMs >= 0, "--latency-jitter-ms must be >= 0, was " + jitterMs);
            this.latencyJitterMs = jitterMs;
            return this;
        }

        public Builder errorRate(double rate) {
            this.errorRate = fraction("--error-rate", rate);
            return this;
        }

        public Builder throttleRate(double rate) {
            this.throttleRate = fraction("--throttle-rate", rate);
            return this;
        }

        public Builder hangRate(double rate) {
            this.hangRate = fraction("--hang-rate", rate);
            return this;
        }

        public Builder hangMs(long hangMs) {
            check(hangMs >= 0, "--hang-ms must be >= 0, was " + hangMs);
            this.hangMs = hangMs;
            return this;
        }

        public Builder truncateRate(double rate) {
            this.truncateRate = fraction("--truncate-rate", rate);
            return this;
        }

        public Builder createRate(double perSecond) {
            check(perSecond >= 0 && Double.isFinite(perSecond),
                    "--create-rate must be >= 0 and finite, was " + num(perSecond));
            this.createRate = perSecond;
            return this;
        }

        public Builder apiKeys(Set<String> keys) {
            check(keys != null, "--api-keys must not be null");
            for (String k : keys) {
                check(k != null && !k.isBlank(), "--api-keys must not hold blank keys");
            }
            this.apiKeys = new LinkedHashSet<>(keys);
            return this;
        }

        public StripeSimConfig build() {
            double faults = errorRate + throttleRate + hangRate + truncateRate;
            check(faults <= 1.0 + 1e-9, "--error-rate + --throttle-rate + --hang-rate + --truncate-rate must be <= 1, was "
                    + num(faults));
            int age = accountAgeDays != null ? accountAgeDays
                    : profile == Profile.SPARSE_OLD ? SPARSE_OLD_ACCOUNT_AGE_DAYS : DEFAULT_ACCOUNT_AGE_DAYS;
            int capacity = burst != null ? burst
                    : Double.isInfinite(rps) ? Integer.MAX_VALUE : (int) Math.max(1, Math.ceil(rps * 0.1));
            long end = now != null ? now : Instant.now().getEpochSecond();
            return new StripeSimConfig(port, bindAddress, seed, objects, profile, resources, dataset, end, age, rps,
                    capacity, latencyMs, latencyJitterMs, errorRate, throttleRate, hangRate, hangMs, truncateRate,
                    createRate, apiKeys);
        }

        private static double fraction(String flag, double rate) {
            check(rate >= 0 && rate <= 1, flag + " must be in [0, 1], was " + num(rate));
            return rate;
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        private static String num(double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
