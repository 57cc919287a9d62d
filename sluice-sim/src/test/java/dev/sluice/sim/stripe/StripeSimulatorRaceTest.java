package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sim.stripe.SimClient.Item;
import dev.sluice.sim.stripe.SimClient.Reply;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers list, retrieve and page events while hundreds of changes a second create, update, delete and cancel
 * objects in two accounts: every answer stays well-formed and ordered, no page repeats an item, and once the
 * changes stop the lists equal the ground truth.
 */
class StripeSimulatorRaceTest {

    static final long NOW = 1_750_000_000L;
    static final Comparator<Item> STRIPE_ORDER =
            Comparator.comparingLong(Item::created).thenComparing(Item::id).reversed();
    static final List<String> RESOURCES = List.of("customers", "invoices", "subscriptions");

    @Test
    void listsRetrievesAndEventsStayConsistentWhileObjectsChange() throws Exception {
        // The rates follow a fake clock, which this thread moves in steps while the readers read: changes and reads
        // overlap however slowly the machine runs.
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).now(NOW).seed(41)
                .objects(1_200).resources(String.join(",", RESOURCES)).accounts(1).rps(Double.POSITIVE_INFINITY)
                .createRate(5).updateRate(50).deleteRate(10).changesFor(Duration.ofSeconds(2)).build(), clock)) {
            List<String> accounts = new ArrayList<>();
            accounts.add(null);
            accounts.addAll(sim.connectedAccountIds());
            Map<String, List<String>> customers = new TreeMap<>();
            for (String a : accounts) {
                customers.put(String.valueOf(a), List.copyOf(sim.objects(a, "customers").keySet()));
            }
            AtomicLong reads = new AtomicLong();
            AtomicBoolean changing = new AtomicBoolean(true);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> readers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    String account = accounts.get(r % 2);
                    List<String> known = customers.get(String.valueOf(account));
                    SplittableRandom random = new SplittableRandom(r);
                    readers.add(pool.submit(() -> {
                        SimClient c = new SimClient(sim);
                        while (changing.get()) {
                            assertOnePassIsOrderedWithoutRepeats(c, account, "customers", "created%5Blt%5D=" + NOW);
                            assertOnePassIsOrderedWithoutRepeats(c, account, "subscriptions", "status=all");
                            assertNewestEventsAreOrderedWithoutRepeats(c, account);
                            for (int i = 0; i < 20; i++) {
                                Reply one = c.getAs(account, "/v1/customers/" + known.get(random.nextInt(known.size())));
                                assertThat(one.status()).as("a customer, or its deleted stub").isEqualTo(200);
                                assertThat(one.json().has("deleted") || one.json().has("email")).isTrue();
                            }
                            reads.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (int step = 0; step < 25; step++) { // 2.5 s of simulated time: the 2 s of changes, then quiet
                    int before = sim.changes().size();
                    clock.advanceMillis(100);
                    if (step < 20) {
                        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                                .pollInterval(Duration.ofMillis(5)).until(() -> sim.changes().size() > before);
                    }
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> !sim.changing());
                changing.set(false);
                for (Future<?> reader : readers) {
                    reader.get();
                }
            }
            assertThat(reads.get()).as("passes while objects changed").isPositive();
            assertThat(sim.changes().size()).isGreaterThan(600);
            assertThat(sim.stats().count(500)).isZero();

            SimClient c = new SimClient(sim);
            for (String account : accounts) {
                for (String resource : RESOURCES) {
                    Map<String, String> truth = sim.objects(account, resource);
                    List<Item> listed = c.pageAll(account, resource,
                            resource.equals("subscriptions") ? "status=all" : "", 100);
                    assertThat(listed).extracting(Item::id).as(resource).containsExactlyInAnyOrderElementsOf(
                            truth.keySet());
                    String some = listed.get(listed.size() / 2).id();
                    assertThat(c.getAs(account, "/v1/" + resource + "/" + some).raw().body()).isEqualTo(truth.get(some));
                    assertThat(sim.deletedIds(account, resource)).doesNotContainAnyElementsOf(truth.keySet());
                }
            }
            clock.advanceMillis(1_000);
            assertThat(c.pageAll(null, "events", "", 100).size() + c.pageAll(accounts.get(1), "events", "", 100).size())
                    .isEqualTo(sim.changes().size());
        }
    }

    /** One pass over a list while it changes: each page well-formed, the whole newest first with no id twice. */
    private static void assertOnePassIsOrderedWithoutRepeats(SimClient c, String account, String resource,
                                                              String filter) {
        List<Item> items = c.pageAll(account, resource, filter, 37);
        assertThat(items).extracting(Item::id).as(resource).doesNotHaveDuplicates();
        assertThat(items).isSortedAccordingTo(STRIPE_ORDER);
    }

    /** The two newest pages of events: newest first, and the second page goes on where the first ended. */
    private static void assertNewestEventsAreOrderedWithoutRepeats(SimClient c, String account) {
        Reply first = c.getAs(account, "/v1/events?limit=50");
        assertThat(first.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>(first.ids());
        List<Long> created = new ArrayList<>(first.created());
        if (first.hasMore()) {
            Reply second = c.getAs(account, "/v1/events?limit=50&starting_after=" + ids.getLast());
            ids.addAll(second.ids());
            created.addAll(second.created());
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(created).isSortedAccordingTo(Comparator.reverseOrder());
    }
}
