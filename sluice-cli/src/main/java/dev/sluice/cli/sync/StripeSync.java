package dev.sluice.cli.sync;

import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.limit.Backoff;
import dev.sluice.limit.RetryWindow;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.pull.run.Backfill;
import dev.sluice.pull.run.BackfillConfig;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.pull.run.RunRange;
import dev.sluice.pull.run.StreamOutcome;
import dev.sluice.source.stripe.StripeApi;
import dev.sluice.store.Database;
import dev.sluice.store.JdbcChangeSink;
import dev.sluice.store.JdbcRecordSink;
import dev.sluice.store.JobLock;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.ChangeApplier;
import dev.sluice.sync.run.Sync;
import dev.sluice.sync.run.SyncConfig;
import dev.sluice.sync.run.SyncResult;
import dev.sluice.sync.run.SyncStats;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Wires a Stripe sync: one API client, one limiter and one retry loop for every request (list pages, events,
 * invoice lines, re-reads, the account), the database's record sink for list pages and change sink for everything
 * else, and the backfill step the sync runs when the job needs one. The {@code sync} command and the demo run
 * through here.
 */
public final class StripeSync {
    /** The account key of the API key's own account (Connect accounts are a later step). */
    static final String OWN_ACCOUNT = "";

    /** What a caller watches and stops: the sync, and each backfill it starts; each does nothing unless overridden. */
    public interface Hooks {
        default void syncStarted(Sync sync) {
        }

        default void backfillStarted(Backfill backfill) {
        }

        default void backfillEnded(BackfillResult result) {
        }

        default void notice(String message) {
        }
    }

    /** How a run ended: the sync's result and each backfill it ran. */
    public record Outcome(SyncResult sync, List<BackfillResult> backfills, DeletionMode deletes) {
        public Outcome {
            backfills = List.copyOf(backfills);
        }
    }

    private StripeSync() {
    }

    /**
     * Runs the sync: a backfill if the job needs one, then events until caught up, or with {@code follow} until
     * stopped.
     *
     * @param deletes the deletion mode asked for, or null for the namespace's recorded one (tombstone at first)
     */
    public static Outcome run(StripeBackfill.Options o, SyncConfig config, DeletionMode deletes, boolean follow,
            Clock clock, Hooks hooks) throws Sync.CursorExpired, FetchFailure, InterruptedException {
        if (o.until() != null) {
            throw new IllegalArgumentException("--until does not apply to sync: it follows changes up to now");
        }
        StripeApi api = new StripeApi(o.baseUrl(), o.apiKey(), o.requestTimeout(), clock);
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(o.rps()), clock);
        Backoff backoff = Backoff.builder().maxAttempts(o.maxAttempts()).build();
        RetryWindow storeRetry = DatabaseRetryOption.window(o.dbRetryFor(), o.db(), clock);
        SyncStats stats = new SyncStats();
        RetryingRequests requests = new RetryingRequests(limiter, backoff, clock, 1, RetryingRequests.NO_TALLY);
        List<BackfillResult> backfills = new ArrayList<>();
        try (Database db = DatabaseOption.open(o.db(), 4); JobLock lock = DatabaseOption.lockJob(o.db(), o.job());
             JdbcRecordSink lists = new JdbcRecordSink(db, clock);
             JdbcChangeSink changes = new JdbcChangeSink(db, clock)) {
            if (o.restart()) {
                changes.forget(o.job(), OWN_ACCOUNT);
            }
            DeletionMode mode = changes.deletionMode(StripeBackfill.NAMESPACE, deletes);
            ChangeApplier applier = new ChangeApplier(changes, api.reader(), api.nestedLists(),
                    requests.tallying(stats.nested()), requests.tallying(stats.rereads()), stats);
            Sync sync = new Sync(config, api.events(o.resources()), changes, applier,
                    requests.tallying(stats.events()), storeRetry, clock, stats, hooks::notice);
            hooks.syncStarted(sync);
            BackfillConfig backfillConfig = BackfillConfig.builder().maxConcurrency(o.maxConcurrency())
                    .backoff(backoff).build();
            Sync.BackfillStep step = streams -> {
                BackfillResult r = backfill(o, streams, api, limiter, requests, backfillConfig, lists, storeRetry,
                        clock, hooks);
                backfills.add(r);
                hooks.backfillEnded(r);
                return listing(r);
            };
            SyncResult result = sync.run(new Sync.Target(o.job(), OWN_ACCOUNT, StripeBackfill.NAMESPACE,
                    o.resources(), mode), step, follow);
            return new Outcome(result, backfills, mode);
        }
    }

    /** One backfill of {@code streams}: fresh after the sync began it, or resumed from its checkpoints. */
    private static BackfillResult backfill(StripeBackfill.Options o, List<String> streams, StripeApi api,
            RateLimiter limiter, RetryingRequests requests, BackfillConfig config, JdbcRecordSink sink,
            RetryWindow storeRetry, Clock clock, Hooks hooks) throws InterruptedException {
        long now = clock.epochSecond();
        AccountCreated account = new AccountCreated(api, requests, o.baseUrl());
        List<Backfill.StreamStart> starts = new ArrayList<>();
        for (String stream : streams) {
            // A stream this backfill finished before a stop or a crash is not listed again.
            Optional<Checkpoint> saved = sink.checkpoint(o.job(), stream);
            starts.add(new Backfill.StreamStart(stream, saved.isPresent() && saved.get().done() ? saved.get()
                    : RunRange.start(stream, saved, false, o.since(), null, account::created, now)));
        }
        Backfill backfill = new Backfill(config, api.lists(), api.nestedLists(), sink,
                SegmentPlanner.named(o.planner()), limiter, storeRetry, clock);
        hooks.backfillStarted(backfill);
        return backfill.run(o.job(), StripeBackfill.NAMESPACE, starts);
    }

    /** What the sync needs of a backfill: complete or not, and each stream's listed range. */
    private static Sync.Listing listing(BackfillResult r) {
        Map<String, TimeRange> ranges = new HashMap<>();
        for (StreamOutcome s : r.streams()) {
            ranges.put(s.stream(), s.checkpoint().range());
        }
        return new Sync.Listing(r.complete(), ranges);
    }

    /**
     * The account's creation second, asked for once and only when a stream needs it, through the retry loop; a
     * refused key or an API that cannot be reached is named with its flag ({@link StripeBackfill#cannotReadAccount}).
     */
    private static final class AccountCreated {
        private final StripeApi api;
        private final RetryingRequests requests;
        private final URI baseUrl;
        private Optional<Long> created = Optional.empty();

        AccountCreated(StripeApi api, RetryingRequests requests, URI baseUrl) {
            this.api = api;
            this.requests = requests;
            this.baseUrl = baseUrl;
        }

        long created() {
            if (created.isEmpty()) {
                try {
                    created = Optional.of(requests.send("GET /v1/account", () -> api.lists().accountCreated()));
                } catch (FetchFailure e) {
                    throw StripeBackfill.cannotReadAccount(baseUrl, e.last());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return created.get();
        }
    }
}
