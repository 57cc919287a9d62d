package dev.sluice.cli.pull;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.pull.run.Backfill;
import dev.sluice.pull.run.BackfillConfig;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.RunRange;
import dev.sluice.source.stripe.StripeApi;
import dev.sluice.source.stripe.StripeListSource;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcRecordSink;
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

    /** Everything a run needs, validated; built from flags and {@code SLUICE_*} variables by the commands. */
    public record Options(URI baseUrl, String apiKey, List<String> resources, DatabaseUrl db, double rps,
            int maxConcurrency, String planner, Long since, Long until, String job, boolean restart,
            Duration requestTimeout, int maxAttempts) {
        public Options {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(db, "db");
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key (or STRIPE_API_KEY) is required");
            }
            if (resources.isEmpty()) {
                throw new IllegalArgumentException("--resources names no resource");
            }
            if (!(rps > 0) || Double.isInfinite(rps)) {
                throw new IllegalArgumentException("--rps must be a positive number, was " + rps);
            }
            if (job == null || !job.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("--job must be 1-64 letters, digits, '.', '_' or '-', was '" + job + "'");
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("--request-timeout must be positive, was " + requestTimeout);
            }
            SegmentPlanner.named(planner);
            resources = List.copyOf(resources);
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
        BackfillConfig config = BackfillConfig.defaults().withMaxConcurrency(o.maxConcurrency())
                .withBackoff(new Backoff(o.maxAttempts(), Backoff.defaults().base(), Backoff.defaults().max()));
        try (Database db = Database.open(o.db()); JdbcRecordSink sink = new JdbcRecordSink(db, clock)) {
            if (o.restart()) {
                sink.resetJob(o.job());
            }
            AccountStart account = new AccountStart(source, limiter);
            long now = clock.epochSecond();
            List<Backfill.StreamStart> starts = new ArrayList<>();
            for (String resource : o.resources()) {
                starts.add(new Backfill.StreamStart(resource, RunRange.start(resource,
                        sink.checkpoint(o.job(), resource), false, o.since(), o.until(), account::created, now)));
            }
            Backfill backfill = new Backfill(config, source, api.nestedLists(), sink, SegmentPlanner.named(o.planner()),
                    limiter, clock);
            started.accept(backfill);
            return backfill.run(o.job(), NAMESPACE, starts);
        }
    }

    /** The account's creation time, asked for once and only when a stream needs it; the request takes a token. */
    private static final class AccountStart {
        private final StripeListSource source;
        private final RateLimiter limiter;
        private Long created;

        AccountStart(StripeListSource source, RateLimiter limiter) {
            this.source = source;
            this.limiter = limiter;
        }

        long created() {
            if (created == null) {
                try {
                    limiter.acquire();
                    created = source.accountCreated();
                } catch (SourceException e) {
                    throw new IllegalStateException("cannot read the account's creation time (pass --since): "
                            + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return created;
        }
    }
}
