package dev.sluice.cli.bench;

import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.sim.stripe.Digest;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.RandomShape;
import dev.sluice.sim.stripe.ServedRequest;
import dev.sluice.sim.stripe.Stats;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.TableDigest;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the backfill bench matrix: for each profile and each planner, a fresh simulator and a fresh SQLite sink, one
 * backfill through {@link StripeBackfill} (the same wiring as {@code sluice backfill stripe}), then a digest check
 * of the sink against the source.
 *
 * <p>Planners run in an order rotated by the profile's index, so slow drift of the machine (JIT warm-up, page
 * cache, a neighbour's load) falls on every planner alike rather than always on the first one.
 *
 * <p>NOTE: the simulator runs in this JVM, so {@code peak_heap_mb} includes its heap and both share the CPU. On a
 * small machine the simulator's latency is therefore a little noisier than a remote API's.
 */
public final class BackfillBench {
    /** Objects per page the engine asks for (Stripe's maximum), the unit of {@code pages_min}. */
    public static final int PAGE_LIMIT = 100;

    private static final String API_KEY = "sk_test_sluice_bench";

    /**
     * What to run, validated by {@link BenchBackfillCommand}.
     *
     * @param profiles   data profiles, one panel each; ignored when {@code dataset} is set
     * @param shapes     random shapes ({@code --shapes random:N}), one panel each after the profiles
     * @param dataset    a dataset file for the simulator instead of generated data, or {@code null}
     * @param objects    objects over all resources (generated data only)
     * @param resources  resources the simulator holds and the backfill reads
     * @param rps        the simulator's enforced rate limit
     * @param latencyMs  mean simulated latency; it varies by ±25%
     * @param planners   planners to compare
     * @param rpsUnknown tell the client twice the real rate, so it must find the limit through 429s
     * @param seed       seed of the generated data (the same data for every planner of a profile)
     * @param warmup     first run a small unmeasured backfill with each planner, so the first measured run does
     *                   not pay for class loading and JIT compilation of the HTTP, JSON and SQLite paths
     */
    public record Scenario(List<Profile> profiles, List<RandomShape> shapes, Path dataset, int objects,
            List<String> resources, double rps, long latencyMs, List<String> planners, boolean rpsUnknown, long seed,
            boolean warmup) {
        public Scenario {
            profiles = List.copyOf(profiles);
            shapes = List.copyOf(shapes);
            resources = List.copyOf(resources);
            planners = List.copyOf(planners);
        }

        /** The rate the client is told: the real one, or twice it with {@code --rps-unknown}. */
        public double clientRps() {
            return rpsUnknown ? 2 * rps : rps;
        }

        public long latencyJitterMs() {
            return latencyMs / 4;
        }

        /** The panel names: profile flag values then {@code random:K}, or one {@code dataset:<file name>}. */
        public List<String> profileLabels() {
            if (dataset != null) {
                return List.of("dataset:" + dataset.getFileName());
            }
            List<String> labels = new ArrayList<>(profiles.stream().map(Profile::flagValue).toList());
            shapes.forEach(s -> labels.add(s.flagValue()));
            return labels;
        }
    }

    private final Scenario scenario;
    private final Consumer<BenchRun> onRun;

    /** {@code onRun} hears each run as it ends (for a progress line). */
    public BackfillBench(Scenario scenario, Consumer<BenchRun> onRun) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.onRun = Objects.requireNonNull(onRun, "onRun");
    }

    /** Runs the whole matrix; a run that fails is recorded as incomplete and the others still run. */
    public List<BenchRun> run() throws InterruptedException {
        List<BenchRun> runs = new ArrayList<>();
        List<String> labels = scenario.profileLabels();
        Path dir = tempDir();
        try {
            if (scenario.warmup()) {
                warmUp(dir);
            }
            for (int p = 0; p < labels.size(); p++) {
                List<String> order = rotated(scenario.planners(), p);
                for (String planner : order) {
                    StripeSimConfig config = simConfig(p);
                    BenchRun run = runOne(labels.get(p), planner, config, dir);
                    runs.add(run);
                    onRun.accept(run);
                }
            }
        } finally {
            deleteTree(dir);
        }
        return runs;
    }

    /**
     * One small backfill per planner at an unlimited rate and no latency, not measured. NOTE: without it the first
     * run of a cold JVM sends its requests in bunches (class loading and compilation stall the client and the
     * in-process simulator alike), which the simulator's small burst answers with 429s that a warm JVM never sees.
     */
    private void warmUp(Path dir) throws InterruptedException {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(1).objects(3_000).profile(Profile.UNIFORM)
                .resources(List.of("customers", "charges", "invoices")).rps(100_000).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            for (String planner : scenario.planners()) {
                Path file = dir.resolve("warmup-" + planner + ".db");
                try {
                    StripeBackfill.run(StripeBackfill.Options.builder().baseUrl(URI.create(sim.baseUrl()))
                            .apiKey(API_KEY).resources(config.resources()).db(DatabaseUrl.sqlite(file)).rps(100_000)
                            .planner(planner).job("bench-warmup").restart(true).build(), Clock.system(),
                            backfill -> { });
                } finally {
                    deleteSqlite(file);
                }
            }
        }
    }

    /** The planners in the order a profile runs them: rotated left by the profile's index. */
    static List<String> rotated(List<String> planners, int by) {
        List<String> out = new ArrayList<>(planners.size());
        for (int i = 0; i < planners.size(); i++) {
            out.add(planners.get((i + by) % planners.size()));
        }
        return out;
    }

    private StripeSimConfig simConfig(int profileIndex) {
        StripeSimConfig.Builder b = StripeSimConfig.builder().port(0).seed(scenario.seed()).rps(scenario.rps())
                .latencyMs(scenario.latencyMs()).latencyJitterMs(scenario.latencyJitterMs())
                .resources(scenario.resources());
        if (scenario.dataset() != null) {
            return b.dataset(scenario.dataset()).build();
        }
        b.objects(scenario.objects());
        int profiles = scenario.profiles().size();
        return (profileIndex < profiles ? b.profile(scenario.profiles().get(profileIndex))
                : b.shape(scenario.shapes().get(profileIndex - profiles))).build();
    }

    private BenchRun runOne(String profile, String planner, StripeSimConfig config, Path dir)
            throws InterruptedException {
        Path file = dir.resolve(profile.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + planner + ".db");
        DatabaseUrl db = DatabaseUrl.sqlite(file);
        String job = ("bench-" + profile + "-" + planner).replaceAll("[^A-Za-z0-9_.-]", "_");
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            long pagesMin = 0;
            for (String resource : scenario.resources()) {
                pagesMin += (sim.objectCount(resource) + PAGE_LIMIT - 1) / PAGE_LIMIT;
            }
            double boundSeconds = pagesMin / scenario.rps();
            StripeBackfill.Options options = StripeBackfill.Options.builder().baseUrl(URI.create(sim.baseUrl()))
                    .apiKey(API_KEY).resources(scenario.resources()).db(db).rps(scenario.clientRps()).planner(planner)
                    .job(job.length() > 64 ? job.substring(0, 64) : job).restart(true).build();
            System.gc(); // the previous run's garbage should not count against this one's peak
            long started = System.nanoTime();
            BackfillResult result;
            double peakHeapMb;
            try (HeapSampler heap = HeapSampler.start(Duration.ofMillis(50))) {
                result = StripeBackfill.run(options, Clock.system(), backfill -> { });
                peakHeapMb = heap.peakMb();
            } catch (RuntimeException e) {
                double seconds = (System.nanoTime() - started) / 1e9;
                return new BenchRun(profile, planner, seconds, 0, 0, 0, 0, pagesMin, boundSeconds, false, 0,
                        "the backfill threw " + e, perSecond(sim.requestLog()), 0, 0);
            }
            Stats stats = sim.stats();
            String failure = result.complete() ? mismatch(sim, db) : "the backfill stopped before the end: "
                    + result.streams().stream().filter(s -> !s.done())
                            .map(s -> s.stream() + (s.error() != null ? " (" + s.error() + ")" : ""))
                            .toList();
            return new BenchRun(profile, planner, result.seconds(), result.stats().requests(),
                    result.stats().wasted(), stats.count(429), stats.maxRequestsInAny1sWindow(), pagesMin,
                    boundSeconds, failure == null, peakHeapMb, failure, perSecond(sim.requestLog()),
                    result.stats().partialPages(), result.stats().segments());
        } finally {
            deleteSqlite(file);
        }
    }

    /** Null when every resource's table holds exactly the source's ids; otherwise which one differs and how. */
    private String mismatch(StripeSimulator sim, DatabaseUrl db) {
        List<String> problems = new ArrayList<>();
        try (Database d = Database.open(db)) {
            for (String resource : scenario.resources()) {
                Digest source = sim.digest(resource, null, null);
                TableDigest.Digest sink = TableDigest.digest(d, StripeBackfill.NAMESPACE, resource);
                if (sink.count() != source.count() || !sink.sha256().equals(source.sha256())) {
                    problems.add(resource + " holds " + sink.count() + " ids, the source " + source.count()
                            + (sink.count() == source.count() ? " (same count, different ids)" : ""));
                }
            }
        }
        return problems.isEmpty() ? null : "the sink differs from the source: " + String.join("; ", problems);
    }

    /**
     * Requests that arrived in each whole second since the run's first request. The first request, not the call to
     * the engine, is the origin: opening and migrating the sink comes before it and is not the API's time.
     */
    static List<Integer> perSecond(List<ServedRequest> log) {
        List<Integer> buckets = new ArrayList<>();
        long first = log.stream().mapToLong(ServedRequest::arrivalNanos).min().orElse(0);
        for (ServedRequest r : log) {
            long offset = r.arrivalNanos() - first;
            if (offset < 0) {
                continue;
            }
            int second = (int) (offset / 1_000_000_000L);
            while (buckets.size() <= second) {
                buckets.add(0);
            }
            buckets.set(second, buckets.get(second) + 1);
        }
        return buckets;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the bench's SQLite files", e);
        }
    }

    private static void deleteSqlite(Path file) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException ignored) {
                // a leftover in the temp dir; deleteTree tries again at the end
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // the OS cleans its temp dir; a bench result does not depend on it
        }
    }

    /** Samples this JVM's used heap at a fixed period on a daemon thread and keeps the largest value. */
    private static final class HeapSampler implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final Thread thread;
        private volatile boolean closed;
        private volatile long peakBytes;

        private HeapSampler(Duration period) {
            this.thread = Thread.ofPlatform().daemon().name("bench-heap").unstarted(() -> {
                while (!closed) {
                    sample();
                    try {
                        Thread.sleep(period);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapSampler start(Duration period) {
            HeapSampler s = new HeapSampler(period);
            s.sample();
            s.thread.start();
            return s;
        }

        private void sample() {
            peakBytes = Math.max(peakBytes, memory.getHeapMemoryUsage().getUsed());
        }

        double peakMb() {
            sample();
            return Math.round(peakBytes / (1024.0 * 1024) * 10) / 10.0;
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.interrupt();
            thread.join();
        }
    }
}
