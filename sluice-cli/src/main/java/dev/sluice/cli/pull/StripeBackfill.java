package dev.sluice.cli.pull;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.limit.RetryWindow;
import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.pull.run.Backfill;
import dev.sluice.pull.run.BackfillConfig;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.pull.run.RunRange;
import dev.sluice.pull.run.SegmentLedger;
import dev.sluice.pull.Checkpoint;
import java.util.Optional;
import dev.sluice.store.LeasedLedger;
import dev.sluice.source.stripe.StripeApi;
import dev.sluice.source.stripe.StripeListSource;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcRecordSink;
import dev.sluice.store.JobLock;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Wires a Stripe backfill: the API client, the shared limiter, the planner, the database sink, and each resource's
 * start (resume, incremental or fresh). The {@code backfill}, {@code demo} and {@code bench} commands all run
 * through here, so they measure the same thing.
 */
public final class StripeBackfill {
    /** Tables of Stripe resources live in this schema (PostgreSQL) or under this prefix (SQLite). */
    public static final String NAMESPACE = "stripe";

    /**
     * Everything a run needs, validated with messages that name the flag. Immutable; build with {@link #builder()}
     * (a base URL, an API key and a database are required) or {@link #toBuilder()}.
     *
     * @param until      exclusive; {@code null}: now + 1 s, frozen when the run starts
     * @param since      {@code null}: the account's creation, or the end of the job's last finished run
     * @param dbRetryFor how long a database outage is ridden out ({@code --db-retry-for})
     * @param lease      on PostgreSQL, how long a claim on a segment lasts without renewal ({@code --lease})
     */
    public record Options(URI baseUrl, String apiKey, List<String> resources, DatabaseUrl db, double rps,
            int maxConcurrency, String planner, Long since, Long until, String job, boolean restart,
            Duration requestTimeout, int maxAttempts, Duration dbRetryFor, Duration lease) {
        public Options {
            if (baseUrl == null || baseUrl.getHost() == null
                    || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
                throw new IllegalArgumentException("--base-url must be an http(s) URL like https://api.stripe.com,"
                        + " was '" + baseUrl + "'");
            }
            Objects.requireNonNull(db, "db");
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key (or STRIPE_API_KEY) is required");
            }
            if (resources == null || resources.isEmpty()) {
                throw new IllegalArgumentException("--resources names no resource");
            }
            if (!(rps > 0) || Double.isInfinite(rps)) {
                throw new IllegalArgumentException("--rps must be a positive number, was " + rps);
            }
            if (job == null || !job.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("--job must be 1-64 letters, digits, '.', '_' or '-', was '" + job + "'");
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("--request-timeout must be positive, was " + requestTimeout);
            }
            if (since != null && until != null && since >= until) {
                throw new IllegalArgumentException("--since must be before --until, were " + since + " and " + until);
            }
            if (lease == null || lease.toMillis() < 100) {
                throw new IllegalArgumentException("--lease must be at least 100ms, was " + lease);
            }
            SegmentPlanner.named(planner);
            new RetryWindow.Config(dbRetryFor, Duration.ofMillis(100), Duration.ofSeconds(5)); // checks the flag
            BackfillConfig.builder().maxConcurrency(maxConcurrency).backoff(Backoff.builder().maxAttempts(maxAttempts)
                    .build()).build(); // checks --max-concurrency and --max-attempts
            resources = List.copyOf(resources);
        }

        /** Stripe's defaults: https://api.stripe.com, 25 requests/s, three resources, job {@code stripe}. */
        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().baseUrl(baseUrl).apiKey(apiKey).resources(resources).db(db).rps(rps)
                    .maxConcurrency(maxConcurrency).planner(planner).since(since).until(until).job(job).restart(restart)
                    .requestTimeout(requestTimeout).maxAttempts(maxAttempts).dbRetryFor(dbRetryFor).lease(lease);
        }

        public static final class Builder {
            private URI baseUrl = URI.create("https://api.stripe.com");
            private String apiKey;
            private List<String> resources = List.of("customers", "charges", "invoices");
            private DatabaseUrl db;
            private double rps = 25;
            private int maxConcurrency = 64;
            private String planner = "adaptive";
            private Long since;
            private Long until;
            private String job = "stripe";
            private boolean restart;
            private Duration requestTimeout = Duration.ofSeconds(30);
            private int maxAttempts = 8;
            private Duration dbRetryFor = RetryWindow.Config.ofDefaults().retryFor();
            private Duration lease = Duration.ofSeconds(15);

            private Builder() {
            }

            public Builder baseUrl(URI u) {
                this.baseUrl = u;
                return this;
            }

            public Builder apiKey(String k) {
                this.apiKey = k;
                return this;
            }

            public Builder resources(List<String> r) {
                this.resources = r;
                return this;
            }

            public Builder db(DatabaseUrl d) {
                this.db = d;
                return this;
            }

            public Builder rps(double r) {
                this.rps = r;
                return this;
            }

            public Builder maxConcurrency(int n) {
                this.maxConcurrency = n;
                return this;
            }

            public Builder planner(String p) {
                this.planner = p;
                return this;
            }

            public Builder since(Long s) {
                this.since = s;
                return this;
            }

            public Builder until(Long u) {
                this.until = u;
                return this;
            }

            public Builder job(String j) {
                this.job = j;
                return this;
            }

            public Builder restart(boolean r) {
                this.restart = r;
                return this;
            }

            public Builder requestTimeout(Duration d) {
                this.requestTimeout = d;
                return this;
            }

            public Builder maxAttempts(int n) {
                this.maxAttempts = n;
                return this;
            }

            public Builder dbRetryFor(Duration d) {
                this.dbRetryFor = d;
                return this;
            }

            public Builder lease(Duration d) {
                this.lease = d;
                return this;
            }

            public Options build() {
                return new Options(baseUrl, apiKey, resources, db, rps, maxConcurrency, planner, since, until, job,
                        restart, requestTimeout, maxAttempts, dbRetryFor, lease);
            }
        }
    }

    private StripeBackfill() {
    }

    /**
     * Runs the backfill to its end. {@code started} receives the running {@link Backfill} (for progress and for
     * stopping it on a signal) before the first request.
     */
    public static BackfillResult run(Options o, Clock clock, Consumer<Backfill> started) throws InterruptedException {
        StripeApi api = new StripeApi(o.baseUrl(), o.apiKey(), o.requestTimeout(), clock);
        StripeListSource source = api.lists();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(o.rps()), clock);
        BackfillConfig config = BackfillConfig.builder().maxConcurrency(o.maxConcurrency())
                .backoff(Backoff.builder().maxAttempts(o.maxAttempts()).build()).build();
        try (Database db = DatabaseOption.open(o.db(), 4); JobLock lock = DatabaseOption.lockJob(o.db(), o.job());
             JdbcRecordSink sink = new JdbcRecordSink(db, clock)) {
            if (o.restart()) {
                sink.resetJob(o.job());
            }
            AccountStart account = new AccountStart(source, new RetryingRequests(limiter, config.backoff(), clock,
                    config.seed(), RetryingRequests.NO_TALLY), o.baseUrl());
            long now = clock.epochSecond();
            List<Backfill.StreamStart> starts = new ArrayList<>();
            for (String resource : o.resources()) {
                Optional<Checkpoint> saved = sink.checkpoint(o.job(), resource);
                starts.add(new Backfill.StreamStart(resource, RunRange.start(resource, saved, false, o.since(),
                        o.until(), account::created, now), saved));
            }
            try (SegmentLedger ledger = ledger(o, db, sink, clock)) {
                Backfill backfill = new Backfill(config, source, api.nestedLists(), sink, ledger,
                        SegmentPlanner.named(o.planner()), limiter,
                        DatabaseRetryOption.window(o.dbRetryFor(), o.db(), clock), clock);
                started.accept(backfill);
                return backfill.run(o.job(), NAMESPACE, starts);
            }
        }
    }

    /**
     * The account's creation time could not be read. It is a run's first request, so the failure is named with the
     * flag at fault: a refused key ({@code --api-key}), an API that cannot be reached ({@code --base-url}).
     */
    public static CommandFailure cannotReadAccount(URI baseUrl, SourceException e) {
        return CommandFailure.cannotStart(switch (e.status()) {
            case 401 -> "--api-key: " + baseUrl + " refused the key (401): " + e.getMessage();
            case 0 -> "--base-url: cannot reach " + baseUrl + ": " + e.getMessage();
            default -> "cannot read the account's creation time (pass --since to start elsewhere): " + e.getMessage();
        }, e);
    }

    /**
     * On PostgreSQL, the segments are leased rows shared with every other process on the job; on SQLite, the one
     * process holds them all (the job lock keeps others out).
     */
    public static SegmentLedger ledger(Options o, Database db, JdbcRecordSink sink, Clock clock) {
        if (o.db().kind() == DatabaseUrl.Kind.POSTGRESQL) {
            return new LeasedLedger(db, clock, o.lease(), LeasedLedger.thisProcess()).startHeartbeat();
        }
        return SegmentLedger.local(sink);
    }

    /**
     * The account's creation time, asked for once and only when a stream needs it. It is the run's first request and
     * goes through the same limiter and retry loop as every other: a 429 or a 5xx is waited out and tried again.
     * A refused key, or an API that cannot be reached at all, fails the command here, at once.
     */
    private static final class AccountStart {
        private final StripeListSource source;
        private final RetryingRequests requests;
        private final URI baseUrl;
        private Long created;

        AccountStart(StripeListSource source, RetryingRequests requests, URI baseUrl) {
            this.source = source;
            this.requests = requests;
            this.baseUrl = baseUrl;
        }

        long created() {
            if (created == null) {
                try {
                    created = requests.send("GET /v1/account", () -> {
                        try {
                            return source.accountCreated();
                        } catch (SourceException e) {
                            // Nothing answered: at start-up that is a wrong --base-url, not a blip to wait out.
                            throw e.status() == 0 && e.kind() == SourceException.Kind.TRANSPORT
                                    ? new SourceException(SourceException.Kind.CLIENT_ERROR, 0, e.getMessage(), null, e)
                                    : e;
                        }
                    });
                } catch (FetchFailure f) {
                    throw cannotReadAccount(baseUrl, f.last());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return created;
        }
    }
}
