package dev.sluice.cli.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.support.SimBackfill;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.Stats;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole pull path over real HTTP into real databases: whatever the distribution, the boundaries or the faults,
 * the sink ends equal to the source (same ids, compared by digest), and the simulator never sees more requests in
 * a second than the limit allows.
 */
class BackfillEndToEndTest {
    private static final long NOW = 1_760_000_000L;
    private static final List<String> RESOURCES = List.of("customers", "charges");

    @TempDir
    Path dir;

    static Stream<Arguments> seeds() {
        List<Arguments> out = new ArrayList<>();
        Profile[] profiles = Profile.values();
        for (int seed = 1; seed <= 50; seed++) {
            out.add(Arguments.of(seed, profiles[seed % profiles.length]));
        }
        return out.stream();
    }

    private static StripeSimConfig.Builder fastSim(long seed) {
        return StripeSimConfig.builder().port(0).now(NOW).seed(seed).resources(RESOURCES).rps(1_000_000);
    }

    private void assertSinkEqualsSource(StripeSimulator sim, DatabaseUrl db, Long gte, Long lt) {
        for (String r : RESOURCES) {
            assertThat(SimBackfill.sink(db, r)).as(r).isEqualTo(SimBackfill.source(sim, r, gte, lt));
        }
    }

    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("seeds")
    void everySeededDistributionLandsWhole(int seed, Profile profile) throws Exception {
        int objects = new SplittableRandom(seed).nextInt(50, 4000);
        try (StripeSimulator sim = StripeSimulator.start(fastSim(seed).objects(objects).profile(profile).build())) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            BackfillResult result = SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, 2000, "adaptive", null, null));
            assertThat(result.complete()).isTrue();
            assertThat(result.stats().objects()).isEqualTo(objects);
            assertSinkEqualsSource(sim, db, null, null);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void everyProfileAndPlannerOnEachDatabase(DatabaseUrl.Kind kind) throws Exception {
        for (Profile profile : Profile.values()) {
            for (String planner : List.of("adaptive", "fixed", "sequential")) {
                try (StripeSimulator sim = StripeSimulator.start(fastSim(profile.ordinal()).objects(2500).profile(profile).build())) {
                    DatabaseUrl db = TestDatabases.fresh(kind, dir);
                    BackfillResult result = SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, 2000, planner, null, null));
                    assertThat(result.complete()).as(profile + " " + planner).isTrue();
                    assertSinkEqualsSource(sim, db, null, null);
                }
            }
        }
    }

    private Path dataset(String json) throws Exception {
        Path f = dir.resolve("dataset-" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void objectsOnTheBoundarySecondsOfAHalfOpenRange() throws Exception {
        long gte = NOW - 10_000;
        long lt = NOW - 100;
        String triples = "[[" + (gte - 1) + "," + gte + ",3],[" + gte + "," + (gte + 1) + ",3],["
                + (lt - 1) + "," + lt + ",3],[" + lt + "," + (lt + 1) + ",3]]";
        Path f = dataset("{\"seed\":5,\"resources\":{\"customers\":" + triples + ",\"charges\":" + triples + "}}");
        try (StripeSimulator sim = StripeSimulator.start(fastSim(1).dataset(f).build())) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, 2000, "adaptive", gte, lt));
            assertSinkEqualsSource(sim, db, gte, lt);
            assertThat(SimBackfill.sink(db, "customers").count()).isEqualTo(6);
        }
    }

    @ParameterizedTest(name = "{0} objects")
    @ValueSource(ints = {0, 1, 100, 101})
    void pageSizedCounts(int n) throws Exception {
        String triple = "[[" + (NOW - 5000) + "," + NOW + "," + n + "]]";
        Path f = dataset("{\"seed\":9,\"resources\":{\"customers\":" + triple + ",\"charges\":" + triple + "}}");
        try (StripeSimulator sim = StripeSimulator.start(fastSim(1).dataset(f).build())) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            BackfillResult result = SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, 2000, "adaptive", NOW - 6000, null));
            assertThat(result.complete()).isTrue();
            assertSinkEqualsSource(sim, db, null, null);
            // The probe is real data: a stream that fits in one page costs one request.
            if (n <= 100) {
                assertThat(result.stats().requests()).isEqualTo(2);
            }
        }
    }

    @Test
    void hundredsOfObjectsInOneSecondWhereTheRangeSplits() throws Exception {
        long gte = NOW - 100_000;
        long mid = gte + 50_000;
        String triples = "[[" + gte + "," + NOW + ",6000],[" + mid + "," + (mid + 1) + ",300],["
                + (mid - 1) + "," + mid + ",280]]";
        Path f = dataset("{\"seed\":3,\"resources\":{\"customers\":" + triples + ",\"charges\":" + triples + "}}");
        try (StripeSimulator sim = StripeSimulator.start(fastSim(1).dataset(f).build())) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            BackfillResult result = SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, 2000, "adaptive", gte, null));
            assertThat(result.complete()).isTrue();
            assertSinkEqualsSource(sim, db, null, null);
        }
    }

    @Test
    void injectedThrottlingErrorsHangsAndTruncationStillEndEqualAndWithinTheRate() throws Exception {
        double rps = 200;
        StripeSimConfig config = fastSim(21).objects(8000).profile(Profile.SPIKES).rps(rps)
                .throttleRate(0.03).errorRate(0.05).hangRate(0.02).hangMs(1500).truncateRate(0.03).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            var o = SimBackfill.options(sim, db, RESOURCES, rps, "adaptive", null, null);
            o = o.toBuilder().requestTimeout(java.time.Duration.ofMillis(400)).maxAttempts(20).build();
            BackfillResult result = SimBackfill.run(o);
            assertThat(result.complete()).isTrue();
            assertSinkEqualsSource(sim, db, null, null);
            Stats stats = sim.stats();
            assertThat(stats.byStatus()).containsKeys(429, 500);
            assertThat(result.stats().transportErrors()).isPositive();
            assertThat(stats.maxRequestsInAny1sWindow()).isLessThanOrEqualTo((long) rps + config.burst());
        }
    }

    @Test
    void aKnownRateIsNeverExceededAndDrawsNo429() throws Exception {
        double rps = 50;
        StripeSimConfig config = fastSim(4).objects(12_000).profile(Profile.RECENT).rps(rps).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            BackfillResult result = SimBackfill.run(SimBackfill.options(sim, db, RESOURCES, rps, "adaptive", null, null));
            assertThat(result.complete()).isTrue();
            assertSinkEqualsSource(sim, db, null, null);
            assertThat(sim.stats().byStatus().getOrDefault(429, 0L)).isZero();
            assertThat(sim.stats().maxRequestsInAny1sWindow()).isLessThanOrEqualTo((long) rps + config.burst());
        }
    }

    @Test
    void objectsCreatedDuringARunArriveInTheNextIncrementalRun() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        StripeSimConfig config = StripeSimConfig.builder().port(0).now(now).seed(8).resources(RESOURCES)
                .objects(3000).rps(1_000_000).latencyMs(2).createRate(200).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            DatabaseUrl db = TestDatabases.sqlite(dir);
            var options = SimBackfill.options(sim, db, RESOURCES, 300, "adaptive", null, null);
            BackfillResult first = SimBackfill.run(options);
            assertThat(first.complete()).isTrue();
            long firstEnd = first.streams().get(0).checkpoint().range().lt();
            // Objects keep arriving while the next run goes; it covers everything created before its own frozen end.
            org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() / 1000 > firstEnd + 1);
            BackfillResult second = SimBackfill.run(options);
            assertThat(second.complete()).isTrue();
            long secondEnd = second.streams().get(0).checkpoint().range().lt();
            assertThat(secondEnd).isGreaterThan(firstEnd);
            // Everything created before the live second at which the second run froze its end has landed; objects
            // of that second may still be arriving and belong to the next run (which re-reads the last minute).
            assertThat(sinkIdsCoverSource(sim, db, secondEnd - 1)).isTrue();
            BackfillResult third = SimBackfill.run(options);
            assertThat(third.streams().get(0).checkpoint().range().gte())
                    .isEqualTo(secondEnd - dev.sluice.pull.run.RunRange.INCREMENTAL_OVERLAP_SECONDS);
        }
    }

    /** Every source object created before {@code lt} is in the sink. */
    private static boolean sinkIdsCoverSource(StripeSimulator sim, DatabaseUrl db, long lt) throws Exception {
        java.util.Set<String> sinkIds = new java.util.HashSet<>();
        try (var d = dev.sluice.store.Database.open(db); var c = d.dataSource().getConnection()) {
            for (String r : RESOURCES) {
                try (var rs = c.createStatement().executeQuery("select id from stripe_" + r)) {
                    while (rs.next()) {
                        sinkIds.add(rs.getString(1));
                    }
                }
            }
        }
        for (String r : RESOURCES) {
            for (String id : sim.ids(r, null, lt)) {
                if (!sinkIds.contains(id)) {
                    return false;
                }
            }
        }
        return true;
    }
}
