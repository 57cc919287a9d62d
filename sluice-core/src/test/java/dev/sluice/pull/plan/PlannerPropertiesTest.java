package dev.sluice.pull.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every planner must keep true on accounts of any shape, checked on seeded random accounts in virtual time
 * ({@link PlannerSimulation}, which fails on the first overlap of two live segments of a stream and on the first
 * object read twice): every object read exactly once, and a bounded number of empty pages per stream.
 */
class PlannerPropertiesTest {
    /**
     * Empty pages one stream may cost. NOTE: a bound the planners hold today, not the goal (issue 17 asks for a
     * handful); lower it as the planner improves.
     */
    static final int MAX_EMPTY_PAGES_PER_STREAM = 64;

    static Stream<Arguments> accounts() {
        return IntStream.rangeClosed(1, 12).boxed().flatMap(seed -> Stream.of("adaptive", "fixed", "sequential")
                .map(planner -> Arguments.of(seed * 7919L, planner)));
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("accounts")
    void everyObjectIsReadOnceWithNoOverlapAndFewEmptyPages(long seed, String planner) {
        PlannerSimulation.Result r = PlannerSimulationTest.simulate(planner, seed, 6_000);
        assertThat(r.emptyPerStream().values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(
                MAX_EMPTY_PAGES_PER_STREAM));
        assertThat(r.requests()).isGreaterThanOrEqualTo(r.pagesMin());
    }
}
