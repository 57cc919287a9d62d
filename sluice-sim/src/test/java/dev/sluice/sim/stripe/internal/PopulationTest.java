package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.stripe.Profile;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PopulationTest {

    static final long DAY = 86_400;
    static final long NOW = 1_750_000_000L;
    static final long ACCOUNT = NOW - 3 * 365 * DAY;
    static final int N = 20_000;

    private static List<Entry> generate(Profile profile, long accountCreated) {
        return Population.generate(11, profile, N, List.of(ResourceKind.CUSTOMERS), accountCreated, NOW)
                .get(ResourceKind.CUSTOMERS);
    }

    private static long countWhere(List<Entry> entries, long gte, long lt) {
        return entries.stream().filter(e -> e.created() >= gte && e.created() < lt).count();
    }

    @Test
    void everyProfileStaysInsideTheAccountsLife() {
        for (Profile p : Profile.values()) {
            List<Entry> entries = generate(p, ACCOUNT);
            assertThat(entries).as(p.name()).hasSize(N)
                    .allSatisfy(e -> assertThat(e.created()).isGreaterThanOrEqualTo(ACCOUNT).isLessThan(NOW));
            assertThat(entries.stream().map(Entry::id).distinct().count()).isEqualTo(N);
        }
    }

    @Test
    void uniformFillsEveryTenthEvenly() {
        List<Entry> entries = generate(Profile.UNIFORM, ACCOUNT);
        long tenth = (NOW - ACCOUNT) / 10;
        for (int i = 0; i < 10; i++) {
            assertThat(countWhere(entries, ACCOUNT + i * tenth, ACCOUNT + (i + 1) * tenth)).isBetween(1_700L, 2_300L);
        }
    }

    @Test
    void recentPutsMostInTheLast30Days() {
        List<Entry> entries = generate(Profile.RECENT, ACCOUNT);
        assertThat(countWhere(entries, NOW - 30 * DAY, NOW)).isGreaterThanOrEqualTo(N * 75 / 100);
        assertThat(countWhere(entries, ACCOUNT, NOW - 30 * DAY)).isGreaterThan(N / 10);
    }

    @Test
    void spikesPackMostIntoSixNarrowPlaces() {
        List<Entry> entries = generate(Profile.SPIKES, ACCOUNT);
        // Each 2-hour spike covers at most two 2-hour buckets, so the densest 12 buckets hold at least 70%.
        Map<Long, Long> buckets = entries.stream()
                .collect(Collectors.groupingBy(e -> e.created() / 7_200, Collectors.counting()));
        long top12 = buckets.values().stream().sorted(Comparator.reverseOrder()).limit(12).mapToLong(c -> c).sum();
        assertThat(top12).isGreaterThanOrEqualTo(N * 70 / 100);
    }

    @Test
    void pileupPutsAFifthIntoFiveSingleSeconds() {
        List<Entry> entries = generate(Profile.PILEUP, ACCOUNT);
        Map<Long, Long> perSecond = entries.stream()
                .collect(Collectors.groupingBy(Entry::created, Collectors.counting()));
        List<Long> top = perSecond.values().stream().sorted(Comparator.reverseOrder()).limit(5).toList();
        assertThat(top).allSatisfy(c -> assertThat(c).isGreaterThanOrEqualTo(N / 5 / 5));
    }

    @Test
    void sparseOldLeavesNineYearsAlmostEmpty() {
        long account = NOW - 10 * 365 * DAY;
        List<Entry> entries = generate(Profile.SPARSE_OLD, account);
        long lastYear = countWhere(entries, NOW - 365 * DAY, NOW);
        assertThat(lastYear).isEqualTo(N * 98 / 100);
        assertThat(countWhere(entries, account, NOW - 365 * DAY)).isEqualTo(N * 2 / 100);
    }

    @Test
    void idsAreNotInCreatedOrder() {
        List<Entry> entries = generate(Profile.UNIFORM, ACCOUNT);
        List<String> byCreated = entries.stream().sorted(Entry.ASCENDING).map(Entry::id).toList();
        List<String> byId = byCreated.stream().sorted().toList();
        assertThat(byCreated).isNotEqualTo(byId);
        assertThat(byCreated).allSatisfy(id -> assertThat(id).matches("cus_[0-9A-Za-z]{14}"));
    }

    @Test
    void theSameSeedGivesTheSameObjects() {
        Function<Long, Map<ResourceKind, List<Entry>>> gen = seed -> Population.generate(seed, Profile.SPIKES, 999,
                List.of(ResourceKind.CHARGES, ResourceKind.REFUNDS), ACCOUNT, NOW);
        // Entries are mutable objects: compare what they hold.
        Function<Long, List<String>> held = seed -> gen.apply(seed).values().stream().flatMap(List::stream)
                .map(e -> e.id() + "@" + e.created() + "/" + e.revision()).toList();
        assertThat(held.apply(3L)).isEqualTo(held.apply(3L));
        assertThat(held.apply(3L)).isNotEqualTo(held.apply(4L));
        assertThat(gen.apply(3L).get(ResourceKind.CHARGES)).hasSize(500);
        assertThat(gen.apply(3L).get(ResourceKind.REFUNDS)).hasSize(499);
    }
}
