package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.sluice.replay.govern.GovernorState.Phase;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GovernorTest {
    private static final long MS = GovernorRun.MS;
    private static final long WINDOW_MS = GovernorRun.WINDOW_MS;
    private static final long PROBE_MS = GovernorRun.PROBE_MS;

    @Test
    void backgroundWritesNothingUntilCalibratedThenSlowStartsByDoublingEachCleanWindow() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults());
        assertThat(run.g.rate()).isZero();
        assertThat(run.g.state().phase()).isEqualTo(Phase.CALIBRATING);
        run.calibratedAt(1.0);
        assertThat(run.g.rate()).isEqualTo(100.0);
        assertThat(run.g.state().phase()).isEqualTo(Phase.STARTING);
        assertThat(run.g.state().baselineMs()).isCloseTo(1.0, offset(1e-9));
        assertThat(run.g.state().budgetMs()).as("max(1.2 × 1, 1 + 0.25)").isCloseTo(1.25, offset(1e-9));
        List<Double> perWindow = new ArrayList<>();
        for (int w = 0; w < 5; w++) {
            run.ticks(10, 1.0);
            perWindow.add(run.g.rate());
        }
        assertThat(perWindow).containsExactly(200.0, 400.0, 800.0, 1600.0, 3200.0);
    }

    @Test
    void aStepInForegroundLatencyHalvesTheRateWithinTwoWindowsAndOnlyOncePerOverload() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(43, 1.0); // slow start to 1,600/s, and three ticks into the next window
        double before = run.g.rate();
        assertThat(before).isEqualTo(1600.0);

        // The overload: our writes push the foreground to 3 ms, and it drains half a second after the rate
        // falls below 1,000/s (batches in flight, the foreground's queue).
        long stepAt = run.nowMs();
        long halvedAt = -1;
        long calmSince = -1;
        for (int i = 0; i < 100; i++) {
            boolean hurting = calmSince < 0 || run.nowMs() - calmSince < 500;
            run.tick(hurting ? 3.0 : 1.0);
            if (halvedAt < 0 && run.g.rate() < before) {
                halvedAt = run.nowMs();
            }
            if (calmSince < 0 && run.g.rate() < 1000) {
                calmSince = run.nowMs();
            }
        }
        assertThat(halvedAt).as("halved at all").isPositive();
        assertThat(halvedAt - stepAt).as("ms from the step to the halving")
                .isLessThanOrEqualTo(2 * WINDOW_MS + PROBE_MS);
        assertThat(run.g.state().breaches()).as("one overload, one halving").isEqualTo(1);
        assertThat(run.g.state().phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void theHalvingStartsFromTheAppliedRateWhenTheAllowanceWasNotUsed() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(40, 1.0);
        assertThat(run.g.rate()).isEqualTo(1600.0);
        run.applying = 0.75; // the sink manages 1,200/s of the 1,600 allowed: binding, so still growing
        run.ticks(10, 3.0);
        assertThat(run.g.rate()).isCloseTo(600.0, offset(1.0));
        assertThat(run.g.state().appliedRate()).isCloseTo(1200.0, offset(1.0));
    }

    @Test
    void afterABreachTheRateRecoversAdditivelyByAFixedStepPerWindow() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(40, 1.0);
        run.ticks(10, 3.0); // breach at 1,600/s
        assertThat(run.g.rate()).isEqualTo(800.0);
        assertThat(run.g.state().phase()).isEqualTo(Phase.BACKING_OFF);
        run.ticks(10, 3.0); // the cooldown window: its samples are not judged
        assertThat(run.g.rate()).isEqualTo(800.0);
        assertThat(run.g.state().breaches()).isEqualTo(1);
        List<Double> rates = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            run.ticks(10, 1.0);
            rates.add(run.g.rate());
        }
        for (int i = 0; i < rates.size(); i++) {
            // 2.5 % of the rate at the breach (1,600/s) per window
            assertThat(rates.get(i)).isCloseTo(800.0 + 40.0 * (i + 1), offset(1e-6));
        }
        assertThat(run.g.state().phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void aPersistentOverloadHalvesAtMostOncePerTwoWindowsDownToTheFloor() {
        GovernorRun run = new GovernorRun(GovernorConfig.builder().minRate(50).build()).calibratedAt(1.0);
        run.ticks(40, 1.0);
        run.ticks(200, 5.0); // 20 s of an overload that is not ours
        assertThat(run.g.state().breaches()).isBetween(5L, 10L);
        assertThat(run.g.rate()).isEqualTo(50.0);
    }

    @Test
    void halfWayToTheBudgetTheRateHoldsAndThreeQuartersOfTheWayItEasesOff() {
        // baseline 1.0 ms, budget 1.25 ms: hold above 1.125, ease off above 1.1875
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(20, 1.0);
        assertThat(run.g.rate()).isEqualTo(400.0);
        run.ticks(50, 1.15);
        assertThat(run.g.rate()).as("held; slow start is over").isEqualTo(400.0);
        assertThat(run.g.state().phase()).isEqualTo(Phase.STEADY);
        List<Double> rates = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            run.ticks(10, 1.22);
            rates.add(run.g.rate());
        }
        // eases off by the additive step, 2.5 % of the reference (400/s, where slow start ended)
        assertThat(rates).containsExactly(390.0, 380.0, 370.0, 360.0);
        assertThat(run.g.state().breaches()).isZero();
    }

    @Test
    void anUnusedAllowanceDoesNotGrow() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(20, 1.0);
        run.applying = 0.4; // the source is the limit
        run.ticks(50, 1.0);
        assertThat(run.g.rate()).isEqualTo(400.0);
    }

    @Test
    void lockWaitersAboveTheAllowanceAreABreach() {
        GovernorRun background = new GovernorRun(GovernorConfig.ofMode(Mode.BACKGROUND)).calibratedAt(1.0);
        GovernorRun balanced = new GovernorRun(GovernorConfig.ofMode(Mode.BALANCED)).calibratedAt(1.0);
        for (GovernorRun run : List.of(background, balanced)) {
            run.ticks(20, 1.0);
            for (int i = 0; i < 10; i++) {
                run.tick(1.0, 1);
            }
        }
        assertThat(background.g.state().breaches()).isEqualTo(1);
        assertThat(balanced.g.state().breaches()).isZero(); // balanced tolerates one waiter
    }

    @Test
    void pastTheLastBreachRateTheProbeDoublesEachWindowUpToATenthOfTheRate() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(40, 1.0);
        run.ticks(10, 3.0); // breach at 1,600: back to 800, the step is 40
        run.ticks(10, 1.0); // cooldown
        run.ticks(200, 1.0); // twenty additive windows: back at 1,600
        assertThat(run.g.rate()).isCloseTo(1600.0, offset(1e-6));
        List<Double> steps = new ArrayList<>();
        double before = run.g.rate();
        for (int w = 0; w < 6; w++) {
            run.ticks(10, 1.0);
            steps.add(run.g.rate() - before);
            before = run.g.rate();
        }
        assertThat(steps.subList(0, 3)).containsExactly(40.0, 80.0, 160.0);
        assertThat(steps.get(3)).as("capped at 10 %% of the rate").isCloseTo(0.1 * (1600 + 280), offset(1e-6));
        assertThat(run.g.state().phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void fastIgnoresTheForeground() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofMode(Mode.FAST)).calibratedAt(1.0);
        assertThat(run.g.rate()).isInfinite();
        run.ticks(100, 50.0);
        run.clock.advanceMillis(60_000); // and silence
        assertThat(run.g.rate()).isInfinite();
        GovernorState s = run.g.state();
        assertThat(s.breaches()).isZero();
        assertThat(s.phase()).isEqualTo(Phase.STEADY);
        assertThat(s.foregroundMs()).as("shown all the same").isCloseTo(50.0, offset(1e-9));
    }

    @Test
    void fastWithoutAProbeIsNeverCalibrating() {
        Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxRate(5000).build(), new FakeClock());
        assertThat(g.rate()).isEqualTo(5000.0);
        assertThat(g.state().phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void fixedIsConstantWhateverItObserves() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofMode(Mode.FIXED)).calibratedAt(1.0);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            run.tick(random.nextDouble() * 20, random.nextInt(3));
            run.g.onCommit(5, random.nextInt(1000) * MS, random.nextInt(10) == 0, random.nextInt(4));
            assertThat(run.g.batchSize()).isEqualTo(5);
            assertThat(run.g.concurrency()).isEqualTo(2);
            assertThat(run.g.rate()).isEqualTo(2.5);
        }
        assertThat(run.g.state().breaches()).isZero();
    }

    @Test
    void capsHoldUnderAnySamplesAndCommits() {
        for (Mode mode : Mode.values()) {
            GovernorConfig config = GovernorConfig.builder().mode(mode).maxRate(500).maxConcurrency(3).minBatch(4)
                    .maxBatch(120).fixedBatch(1000).fixedConcurrency(10).fixedDelay(Duration.ofMillis(10)).build();
            GovernorRun run = new GovernorRun(config).calibratedAt(0.3);
            Random random = new Random(42 + mode.ordinal());
            for (int i = 0; i < 3000; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> run.tick(random.nextDouble() < 0.5 ? 0.3 : random.nextDouble() * 100,
                            random.nextInt(3));
                    case 1 -> run.g.onCommit(run.g.batchSize(), (long) (random.nextDouble() * 2000) * MS,
                            random.nextInt(20) == 0, random.nextInt(5) - 1);
                    case 2 -> run.g.onCommit(run.g.batchSize(), random.nextInt(3) * MS, false,
                            run.g.concurrency());
                    default -> run.clock.advanceMillis(random.nextInt(5000));
                }
                GovernorState s = run.g.state();
                assertThat(s.rate()).as(mode + " rate").isLessThanOrEqualTo(500.0);
                if (mode.watchesForeground()) {
                    assertThat(s.rate()).as(mode + " floor").isGreaterThanOrEqualTo(10.0);
                }
                assertThat(s.concurrency()).as(mode + " concurrency").isBetween(1, 3);
                assertThat(s.batchSize()).as(mode + " batch").isBetween(4, 120);
            }
        }
    }

    @Test
    void aSlowRateCapsTheBatchSoThatSeveralStartPerWindow() {
        Governor g = new Governor(GovernorConfig.builder().initialBatch(500).initialRate(100).build(),
                new FakeClock());
        g.calibrate(List.of(ForegroundSample.ofMillis(1, 0)));
        assertThat(g.rate()).isEqualTo(100.0);
        assertThat(g.batchSize()).isEqualTo(2); // a fiftieth of a second's worth: a batch start every 20 ms
    }

    @Test
    void batchSizeConvergesIntoTheTargetCommitBandFromBelowAndAbove() {
        // commit time = 5 ms + 0.1 ms per event; the target 50 ms is met at 450 events; the band is 37.5..62.5 ms
        for (int initial : new int[] {1, 2000}) {
            Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).initialBatch(initial)
                    .targetCommit(Duration.ofMillis(50)).build(), new FakeClock());
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = g.batchSize();
                long latency = (long) ((5 + 0.1 * n) * MS);
                g.onCommit(n, latency, false, g.concurrency());
                latencies.add(latency / 1e6);
            }
            assertThat(latencies.subList(150, 200)).as("from " + initial).allSatisfy(ms ->
                    assertThat(ms).isBetween(37.5, 62.5));
            assertThat(g.batchSize()).isBetween(325, 575);
        }
    }

    @Test
    void partialBatchesAreNoEvidenceForTheBatchSize() {
        Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).initialBatch(100).build(),
                new FakeClock());
        for (int i = 0; i < 100; i++) {
            g.onCommit(3, MS, false, 1); // tailing live: tiny batches, fast commits
        }
        assertThat(g.batchSize()).isEqualTo(100);
    }

    @Test
    void concurrencyClimbsWhileCommitsAreFastAndFallsWhenTheirLatencyClimbs() {
        Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxConcurrency(8)
                .initialBatch(100).minBatch(100).maxBatch(100).build(), new FakeClock());
        assertThat(g.concurrency()).isEqualTo(2);
        for (int i = 0; i < 100; i++) {
            g.onCommit(100, 10 * MS, false, g.concurrency());
        }
        assertThat(g.concurrency()).isEqualTo(8);
        List<Integer> limits = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            g.onCommit(100, 40 * MS, false, g.concurrency()); // 4× the per-event best
            limits.add(g.concurrency());
        }
        assertThat(limits).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        assertThat(g.concurrency()).isLessThanOrEqualTo(4);
    }

    @Test
    void concurrencyDoesNotGrowWhileFewerBatchesRunThanAllowed() {
        Governor g = new Governor(GovernorConfig.ofMode(Mode.FAST), new FakeClock());
        for (int i = 0; i < 100; i++) {
            g.onCommit(50, 10 * MS, false, 1);
        }
        assertThat(g.concurrency()).isEqualTo(2);
    }

    @Test
    void aFailedCommitHalvesConcurrencyOncePerWindow() {
        Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxConcurrency(8).build(),
                new FakeClock());
        for (int i = 0; i < 100; i++) {
            g.onCommit(50, 10 * MS, false, -1);
        }
        assertThat(g.concurrency()).isEqualTo(8);
        g.onCommit(50, 10 * MS, true, 8);
        assertThat(g.concurrency()).isEqualTo(4);
        g.onCommit(50, 10 * MS, true, 7); // the same cause, started under the old limit
        assertThat(g.concurrency()).isEqualTo(4);
        for (int i = 0; i < 6; i++) {
            g.onCommit(50, 10 * MS, true, 4); // failures keep coming: once per window
        }
        assertThat(g.concurrency()).isEqualTo(2);
        for (int i = 0; i < 20; i++) {
            g.onCommit(50, 10 * MS, true, 2);
        }
        assertThat(g.concurrency()).isEqualTo(1);
        assertThat(g.state().failedCommits()).isEqualTo(28);
    }

    @Test
    void theStateSummaryReadsAsAProgressLine() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(0.25);
        run.ticks(10, 0.25);
        String line = run.g.state().summary();
        assertThat(line).startsWith("background STARTING rate 200/s (applied 100/s) conc ")
                .contains(" batch 4 commit 5.0 ms fg 0.25/0.50 ms (idle 0.25)").doesNotContain("breaches");
        assertThat(new Governor(GovernorConfig.ofMode(Mode.FAST), new FakeClock()).state().summary())
                .isEqualTo("fast STEADY rate unlimited conc 2 batch 50");
    }

    @Test
    void whileCalibratingTheBatchIsSizedForTheInitialRate() {
        Governor g = new Governor(GovernorConfig.builder().initialRate(200).build(), new FakeClock());
        assertThat(g.rate()).isZero();
        assertThat(g.batchSize()).isEqualTo(4); // a fiftieth of the initial rate's second
        assertThat(new Governor(GovernorConfig.ofMode(Mode.FIXED), new FakeClock()).state().summary())
                .isEqualTo("fixed STEADY rate 2.5/s conc 2 batch 5");
    }

    @Test
    void calibrationNeedsASample() {
        Governor g = new Governor(GovernorConfig.ofDefaults(), new FakeClock());
        assertThatThrownBy(() -> g.calibrate(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
