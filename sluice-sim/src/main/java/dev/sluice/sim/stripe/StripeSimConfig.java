package dev.sluice.sim.stripe;

import dev.sluice.sim.stripe.internal.ResourceKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * (Over 400 lines: one checked builder method per command-line flag, kept in one place so the CLI and tests build a
 * run the same way.)
 *
 * <p>Everything a {@link StripeSimulator} run is made of: where it listens, what data it holds, how fast it lets callers
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
 * <p>Changes ({@code createRate}, {@code updateRate}, {@code deleteRate}) are per second, per account and per data
 * resource, and stop {@code changesFor} after the start (null: never). Each is announced by an event, kept
 * {@code eventsRetention}, and posted to {@code webhookUrl} when one is set.
 *
 * @param port            TCP port, 0 for an ephemeral one
 * @param bindAddress     address to listen on
 * @param seed            seed for data, ids, object bodies and fault dice
 * @param objects         objects in total across {@code resources}
 * @param profile         how {@code created} is spread over the account's life
 * @param shape           a random shape ({@code --profile random:K}) that replaces {@code profile} and the account's
 *                        age, or {@code null}
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
 * @param updateRate      updates per second per data resource while running
 * @param deleteRate      deletions (cancellations, for subscriptions) per second per data resource while running
 * @param changesFor      how long creations, updates and deletions go on after the start; null for ever
 * @param eventsRetention how long {@code /v1/events} keeps an event (Stripe: 30 days)
 * @param invoiceLines    line counts an invoice draws from; empty for the default of 1 to 3
 * @param webhookUrl      where every event is posted, signed; null for no webhooks
 * @param webhookSecret   the endpoint's signing secret ({@code whsec_…}); set exactly when {@code webhookUrl} is
 * @param webhookDuplicateRate fraction of events delivered twice
 * @param webhookShuffleMs each delivery waits a random 0..this many ms, so deliveries arrive out of order
 * @param accounts        connected accounts besides the platform, each with its own data and events
 * @param rateScope       one token bucket per API key, or per account
 */
public record StripeSimConfig(
        int port,
        String bindAddress,
        long seed,
        int objects,
        Profile profile,
        RandomShape shape,
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
        Set<String> apiKeys,
        double updateRate,
        double deleteRate,
        Duration changesFor,
        Duration eventsRetention,
        List<Integer> invoiceLines,
        URI webhookUrl,
        String webhookSecret,
        double webhookDuplicateRate,
        long webhookShuffleMs,
        int accounts,
        RateScope rateScope) {

    public static final int DEFAULT_ACCOUNT_AGE_DAYS = 3 * 365;
    public static final int SPARSE_OLD_ACCOUNT_AGE_DAYS = 10 * 365;
    public static final Duration DEFAULT_EVENTS_RETENTION = Duration.ofDays(30);
    public static final int MAX_ACCOUNTS = 1_000;
    public static final int MAX_INVOICE_LINES = 10_000;

    public StripeSimConfig {
        resources = List.copyOf(resources);
        apiKeys = Set.copyOf(apiKeys);
        invoiceLines = List.copyOf(invoiceLines);
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(eventsRetention, "eventsRetention");
        Objects.requireNonNull(rateScope, "rateScope");
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
        b.shape = shape;
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
        b.updateRate = updateRate;
        b.deleteRate = deleteRate;
        b.changesFor = changesFor;
        b.eventsRetention = eventsRetention;
        b.invoiceLines = new ArrayList<>(invoiceLines);
        b.webhookUrl = webhookUrl;
        b.webhookSecret = webhookSecret;
        b.webhookDuplicateRate = webhookDuplicateRate;
        b.webhookShuffleMs = webhookShuffleMs;
        b.accounts = accounts;
        b.rateScope = rateScope;
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

    /** The webhook endpoint, if events are posted. */
    public Optional<URI> webhook() {
        return Optional.ofNullable(webhookUrl);
    }

    public static final class Builder {
        private int port = 12111;
        private String bindAddress = "127.0.0.1";
        private long seed = 1;
        private int objects = 10_000;
        private Profile profile = Profile.UNIFORM;
        private RandomShape shape;
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
        private double updateRate = 0;
        private double deleteRate = 0;
        private Duration changesFor;
        private Duration eventsRetention = DEFAULT_EVENTS_RETENTION;
        private List<Integer> invoiceLines = new ArrayList<>();
        private URI webhookUrl;
        private String webhookSecret;
        private double webhookDuplicateRate = 0;
        private long webhookShuffleMs = 0;
        private int accounts = 0;
        private RateScope rateScope = RateScope.KEY;

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
            this.shape = null;
            return this;
        }

        /** A random shape in place of a profile (and of the account's age, which the shape draws). */
        public Builder shape(RandomShape shape) {
            check(shape != null, "--profile random:K needs K");
            this.shape = shape;
            return this;
        }

        /** Parses {@code uniform|recent|spikes|pileup|sparse-old|random:K}. */
        public Builder profile(String profile) {
            if (RandomShape.names(profile)) {
                try {
                    return shape(RandomShape.parse(profile));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--profile " + e.getMessage(), e);
                }
            }
            return profile(Profile.parse(profile));
        }

        /** The resources that hold data; {@code all} stands for every one. */
        public Builder resources(List<String> resources) {
            check(resources != null && !resources.isEmpty(), "--resources must name at least one resource");
            if (resources.size() == 1 && resources.getFirst().trim().equals("all")) {
                resources = ResourceKind.names();
            }
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
            this.createRate = rate("--create-rate", perSecond);
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

        public Builder updateRate(double perSecond) {
            this.updateRate = rate("--update-rate", perSecond);
            return this;
        }

        public Builder deleteRate(double perSecond) {
            this.deleteRate = rate("--delete-rate", perSecond);
            return this;
        }

        /** How long changes go on after the start; null for as long as the simulator runs. */
        public Builder changesFor(Duration d) {
            check(d == null || d.compareTo(Duration.ZERO) >= 0, "--changes-for must be >= 0, was " + d);
            this.changesFor = d;
            return this;
        }

        public Builder eventsRetention(Duration d) {
            check(d != null && d.compareTo(Duration.ofSeconds(1)) >= 0,
                    "--events-retention must be at least 1s, was " + d);
            this.eventsRetention = d;
            return this;
        }

        /** Line counts an invoice draws from, e.g. {@code [0, 10, 11, 250]}; empty for the default (1 to 3). */
        public Builder invoiceLines(List<Integer> counts) {
            check(counts != null, "--invoice-lines must not be null");
            for (Integer n : counts) {
                check(n != null && n >= 0 && n <= MAX_INVOICE_LINES,
                        "--invoice-lines values must be in 0.." + MAX_INVOICE_LINES + ", was " + n);
            }
            this.invoiceLines = new ArrayList<>(counts);
            return this;
        }

        /** Comma-separated, as on the command line: {@code 0,10,11,250}. */
        public Builder invoiceLines(String csv) {
            check(csv != null && !csv.isBlank(), "--invoice-lines must name at least one count");
            List<Integer> counts = new ArrayList<>();
            for (String part : csv.split(",")) {
                try {
                    counts.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--invoice-lines must be integers like 0,10,11,250, was " + csv);
                }
            }
            return invoiceLines(counts);
        }

        /** Posts every event to {@code url}, signed with {@code secret}; null and null for no webhooks. */
        public Builder webhook(URI url, String secret) {
            check((url == null) == (secret == null || secret.isEmpty()),
                    "--webhook-url and --webhook-secret go together");
            if (url != null) {
                check(("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null,
                        "--webhook-url must be an http(s) URL, was " + url);
            }
            this.webhookUrl = url;
            this.webhookSecret = url == null ? null : secret;
            return this;
        }

        public Builder webhookDuplicateRate(double rate) {
            this.webhookDuplicateRate = fraction("--webhook-duplicate-rate", rate);
            return this;
        }

        public Builder webhookShuffleMs(long ms) {
            check(ms >= 0, "--webhook-shuffle-ms must be >= 0, was " + ms);
            this.webhookShuffleMs = ms;
            return this;
        }

        public Builder accounts(int connected) {
            check(connected >= 0 && connected <= MAX_ACCOUNTS,
                    "--accounts must be in 0.." + MAX_ACCOUNTS + ", was " + connected);
            this.accounts = connected;
            return this;
        }

        public Builder rateScope(RateScope scope) {
            check(scope != null, "--rate-scope must be key or account");
            this.rateScope = scope;
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
            return new StripeSimConfig(port, bindAddress, seed, objects, profile, shape, resources, dataset, end, age, rps,
                    capacity, latencyMs, latencyJitterMs, errorRate, throttleRate, hangRate, hangMs, truncateRate,
                    createRate, apiKeys, updateRate, deleteRate, changesFor, eventsRetention, invoiceLines, webhookUrl,
                    webhookSecret, webhookDuplicateRate, webhookShuffleMs, accounts, rateScope);
        }

        private static double rate(String flag, double perSecond) {
            check(perSecond >= 0 && Double.isFinite(perSecond), flag + " must be >= 0 and finite, was " + num(perSecond));
            return perSecond;
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
