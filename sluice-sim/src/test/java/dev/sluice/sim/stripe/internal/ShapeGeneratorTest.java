package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sim.stripe.RandomShape;
import dev.sluice.sim.stripe.StripeSimConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeGeneratorTest {
    private static final long NOW = 1_750_000_000L;
    private static final List<ResourceKind> KINDS =
            List.of(ResourceKind.CUSTOMERS, ResourceKind.CHARGES, ResourceKind.INVOICES);

    @Test
    void everyShapeHoldsExactlyItsObjectsInsideTheAccountsLife() {
        for (int i = 0; i < 50; i++) {
            ShapeGenerator.Drawn d = ShapeGenerator.draw(7, new RandomShape(i), 50_000, KINDS, NOW);
            long total = 0;
            for (List<DatasetFile.Span> spans : d.spans().values()) {
                for (DatasetFile.Span s : spans) {
                    assertThat(s.gte()).as("shape %d", i).isGreaterThanOrEqualTo(d.accountCreated());
                    assertThat(s.lt()).as("shape %d", i).isLessThanOrEqualTo(NOW).isGreaterThan(s.gte());
                    assertThat(s.count()).isNotNegative();
                    total += s.count();
                }
            }
            assertThat(total).as("shape %d: %s", i, d.description()).isEqualTo(50_000);
        }
    }

    @Test
    void theSameSeedAndIndexDrawTheSameAccountAndOthersDiffer() {
        ShapeGenerator.Drawn a = ShapeGenerator.draw(7, new RandomShape(3), 10_000, KINDS, NOW);
        ShapeGenerator.Drawn b = ShapeGenerator.draw(7, new RandomShape(3), 10_000, KINDS, NOW);
        assertThat(a).isEqualTo(b);
        Set<Map<ResourceKind, List<DatasetFile.Span>>> distinct = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            distinct.add(ShapeGenerator.draw(7, new RandomShape(i), 10_000, KINDS, NOW).spans());
        }
        distinct.add(ShapeGenerator.draw(8, new RandomShape(3), 10_000, KINDS, NOW).spans());
        assertThat(distinct).hasSize(21);
    }

    @Test
    void shapesMixEveryKindAndSizesDifferPerResource() {
        int pileups = 0;
        int narrowSpikes = 0;
        int emptyPasts = 0;
        int unequalSizes = 0;
        for (int i = 0; i < 20; i++) {
            ShapeGenerator.Drawn d = ShapeGenerator.draw(7, new RandomShape(i), 50_000, KINDS, NOW);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (List<DatasetFile.Span> spans : d.spans().values()) {
                long n = spans.stream().mapToLong(DatasetFile.Span::count).sum();
                min = Math.min(min, n);
                max = Math.max(max, n);
                pileups += (int) spans.stream().filter(s -> s.lt() - s.gte() == 1 && s.count() >= 30).count();
                narrowSpikes += (int) spans.stream().filter(s -> s.lt() - s.gte() > 1 && s.lt() - s.gte() < 3_600)
                        .count();
                long first = spans.stream().filter(s -> s.count() > 0).mapToLong(DatasetFile.Span::gte).min()
                        .orElse(NOW);
                emptyPasts += first - d.accountCreated() > 365 * 86_400L ? 1 : 0;
            }
            unequalSizes += max > 2 * min ? 1 : 0;
        }
        assertThat(pileups).isPositive();
        assertThat(narrowSpikes).isPositive();
        assertThat(emptyPasts).isPositive();
        assertThat(unequalSizes).isGreaterThan(10);
    }

    @Test
    void theSimulatorServesAShapeNamedOnItsProfileFlag() {
        StripeSimConfig config = StripeSimConfig.builder().profile("random:4").seed(7).objects(3_000).now(NOW).build();
        assertThat(config.shape()).isEqualTo(new RandomShape(4));
        Accounts accounts = Accounts.generate(config);
        long objects = KINDS.stream().mapToLong(k -> accounts.platform().index(k).size()).sum();
        assertThat(objects).isEqualTo(3_000);
        assertThatThrownBy(() -> StripeSimConfig.builder().profile("random:x")).hasMessageContaining("--profile")
                .hasMessageContaining("random:K");
    }
}
