package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.StoredRows;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Event;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.ChangeSink.Applied;
import dev.sluice.sync.ChangeSink.Commit;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.rule.ObjectFold;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A webhook endpoint and a poller apply the same events at once, each in its own order and batches, to the same
 * few objects: every event is recorded once, and each object ends as the fold of all its events in order says —
 * deleted if any deletion came, else the newest state.
 */
class JdbcChangeSinkRaceTest {
    private static final String NS = "stripe";
    private static final long S = 1_800_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aWebhookRacingAPollLeavesTheStateTheRuleGivesAndEachEventOnce(Kind kind) throws Exception {
        Random random = new Random(kind.ordinal() + 7);
        List<Change> events = new ArrayList<>();
        for (int obj = 0; obj < 12; obj++) {
            String id = "cus_" + obj;
            int n = 3 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                boolean last = i == n - 1;
                Rank rank = i == 0 ? Rank.CREATED : last && obj % 3 == 0 ? Rank.DELETED : Rank.UPDATED;
                Change.Kind k = rank == Rank.DELETED ? Change.Kind.DELETE : Change.Kind.UPSERT;
                String json = k == Change.Kind.DELETE ? null
                        : "{\"id\":\"" + id + "\",\"created\":" + S + ",\"n\":" + i + "}";
                events.add(Change.ofEvent("customers", id, S, json, k,
                        new Event("evt_" + obj + "_" + i, S + i * 2L, rank, "customer." + rank)));
            }
        }
        for (DeletionMode mode : DeletionMode.values()) {
            try (Database db = Database.open(TestDatabases.fresh(kind, dir));
                 var sink = new JdbcChangeSink(db, new FixedClock(S * 1000 + 99_000))) {
                sink.prepare(NS, "customers");
                List<Change> webhook = new ArrayList<>(events);
                Collections.shuffle(webhook, random);
                List<Change> poll = new ArrayList<>(events);
                poll.sort(ObjectFold.ORDER);
                try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                    Future<int[]> a = pool.submit(() -> deliver(sink, mode, webhook, 1));
                    Future<int[]> b = pool.submit(() -> deliver(sink, mode, poll, 7));
                    int[] x = a.get();
                    int[] y = b.get();
                    assertThat(x[2] + y[2]).as("duplicates").isEqualTo(events.size());
                }
                var rows = StoredRows.of(db, NS, "customers");
                var removed = StoredRows.removed(db, NS, "customers");
                for (int obj = 0; obj < 12; obj++) {
                    String id = "cus_" + obj;
                    List<Change> mine = events.stream().filter(c -> c.id().equals(id)).toList();
                    Change last = mine.get(mine.size() - 1);
                    if (last.isDeletion()) {
                        assertThat(mode == DeletionMode.TOMBSTONE ? rows.get(id).deleted() : removed.contains(id))
                                .as("%s deleted", id).isTrue();
                    } else {
                        assertThat(JSON.readTree(rows.get(id).data()).path("n").asInt()).as(id)
                                .isEqualTo(mine.size() - 1);
                        assertThat(rows.get(id).deleted()).isFalse();
                    }
                }
                assertThat(sink.applied(NS, events.stream().map(c -> c.event().id()).toList()))
                        .hasSize(events.size());
            }
        }
    }

    /** Applies {@code changes} in commits of {@code batch}; returns summed applied, skipped and duplicates. */
    private static int[] deliver(JdbcChangeSink sink, DeletionMode mode, List<Change> changes, int batch) {
        int[] sums = new int[3];
        for (int from = 0; from < changes.size(); from += batch) {
            List<Change> part = new ArrayList<>(changes.subList(from, Math.min(changes.size(), from + batch)));
            part.sort(ObjectFold.ORDER);
            Applied a = sink.apply(new Commit(NS, mode, part, Map.of(), null));
            sums[0] += a.applied();
            sums[1] += a.skipped();
            sums[2] += a.duplicates();
        }
        return sums;
    }
}
