package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.support.SimSync;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.rule.StartRule;
import dev.sluice.sync.run.SyncConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sync stripe}'s wiring against the simulator over real HTTP into SQLite and PostgreSQL, while the simulator
 * creates, updates (several times a second), deletes and cancels objects during and after the backfill: once the
 * changes stop and the sync catches up, every table holds exactly the simulator's live objects, data included
 * (invoices with all their lines), and deleted objects are marked or removed.
 */
class SyncEndToEndTest {
    private static final List<String> RESOURCES = List.of("customers", "invoices", "subscriptions", "products");

    @TempDir
    Path dir;

    static Stream<Arguments> runs() {
        return Stream.of(Arguments.of(Kind.SQLITE, 1L, DeletionMode.TOMBSTONE),
                Arguments.of(Kind.POSTGRESQL, 2L, DeletionMode.TOMBSTONE),
                Arguments.of(Kind.SQLITE, 3L, DeletionMode.REMOVE),
                Arguments.of(Kind.POSTGRESQL, 4L, DeletionMode.REMOVE));
    }

    @ParameterizedTest(name = "{0} seed {1} {2}")
    @MethodSource("runs")
    void changesDuringAndAfterTheBackfillEndAsTheSimulatorsState(Kind kind, long seed, DeletionMode deletes)
            throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(seed).objects(400).resources(RESOURCES)
                .invoiceLines(List.of(0, 10, 11, 250)).rps(100_000).createRate(1).updateRate(4).deleteRate(0.7)
                .changesFor(Duration.ofSeconds(8)).build();
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        SyncConfig sync = SimSync.config();
        SplittableRandom random = new SplittableRandom(seed);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            var options = SimSync.options(sim, db, RESOURCES, "e2e");
            var first = SimSync.run(options, sync, deletes);
            assertThat(first.sync().steps()).startsWith(StartRule.Kind.BACKFILL_FIRST);
            // Several updates of one object within one second, beside the simulator's own rates.
            String busy = sim.ids("customers", null, null).get(random.nextInt(50));
            for (int i = 0; i < 3; i++) {
                sim.update(null, "customers", busy);
            }
            while (sim.changing()) {
                SimSync.run(options, sync, deletes);
            }
            long lastChange = sim.changes().getLast().atMillis() / 1000;
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.currentTimeMillis() / 1000 - sync.eventsLag().toSeconds() > lastChange + 1);
            var last = SimSync.run(options, sync, deletes);
            assertThat(last.sync().steps()).containsExactly(StartRule.Kind.EVENTS);
            for (String resource : RESOURCES) {
                SimSync.assertMatches(db, sim, resource, deletes);
            }
            assertThat(sim.deletedIds(null, "customers")).isNotEmpty();
        }
    }
}
