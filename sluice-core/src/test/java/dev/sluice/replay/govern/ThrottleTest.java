package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.replay.govern.Throttle.Permit;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThrottleTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void fixedStartsOneBatchPerDelayExactly() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.ofMode(Mode.FIXED), clock);
        Throttle throttle = new Throttle(governor, clock);
        long t0 = clock.nanoTime();
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Permit p = throttle.acquire(governor.batchSize());
            starts.add(p.startNanos() - t0);
            throttle.release(p, 5, 30 * MS, false);
        }
        assertThat(starts).containsExactly(0L, 2 * SECOND, 4 * SECOND, 6 * SECOND, 8 * SECOND);
        assertThat(clock.nanoTime() - t0).isEqualTo(8 * SECOND); // the clock moved only by the throttle's waits
    }

    @Test
    void aBatchOfNMovesTheScheduleByNOverRate() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxRate(100).build(), clock);
        Throttle throttle = new Throttle(governor, clock);
        long t0 = clock.nanoTime();
        List<Long> starts = new ArrayList<>();
        for (int n : new int[] {10, 30, 5, 50, 1}) {
            Permit p = throttle.acquire(n);
            starts.add((p.startNanos() - t0) / MS);
            throttle.release(p, n, MS, false);
        }
        // 10 events = 100 ms, 30 = 300 ms, 5 = 50 ms, 50 = 500 ms
        assertThat(starts).containsExactly(0L, 100L, 400L, 450L, 950L);
    }

    @Test
    void idleTimeEarnsNoBurst() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxRate(10).build(), clock);
        Throttle throttle = new Throttle(governor, clock);
        throttle.release(throttle.acquire(10), 10, MS, false);
        clock.advanceMillis(60_000);
        long t0 = clock.nanoTime();
        Permit a = throttle.acquire(10);
        Permit b = throttle.acquire(10);
        assertThat(a.startNanos()).isEqualTo(t0);
        assertThat(b.startNanos() - t0).isEqualTo(SECOND);
    }

    @Test
    void neverMorePermitsThanTheConcurrencyAndLanesAreUnique() throws Exception {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.builder().mode(Mode.FIXED).fixedConcurrency(2)
                .fixedDelay(Duration.ZERO).build(), clock);
        Throttle throttle = new Throttle(governor, clock);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        AtomicIntegerArray laneOwner = new AtomicIntegerArray(8);
        AtomicInteger collisions = new AtomicInteger();
        int threads = 6;
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t + 1;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 300; i++) {
                        Permit p = throttle.acquire(5);
                        maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        if (!laneOwner.compareAndSet(p.lane(), 0, me)) {
                            collisions.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        laneOwner.set(p.lane(), 0);
                        holding.decrementAndGet();
                        throttle.release(p, 5, MS, false);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(maxHolding.get()).isLessThanOrEqualTo(2);
        assertThat(collisions.get()).isZero();
        assertThat(throttle.inFlight()).isZero();
    }

    @Test
    void lanesStayUniqueAndWithinMaxConcurrencyWhileTheLimitMoves() throws Exception {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxConcurrency(4).build(), clock);
        Throttle throttle = new Throttle(governor, clock);
        AtomicIntegerArray laneOwner = new AtomicIntegerArray(4);
        AtomicInteger collisions = new AtomicInteger();
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        int threads = 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t + 1;
                Random random = new Random(me);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        Permit p = throttle.acquire(50);
                        maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        if (!laneOwner.compareAndSet(p.lane(), 0, me)) {
                            collisions.incrementAndGet();
                        }
                        laneOwner.set(p.lane(), 0);
                        holding.decrementAndGet();
                        // fast commits grow the limit, failures and slow ones cut it
                        boolean failed = random.nextInt(15) == 0;
                        throttle.release(p, 50, (random.nextInt(4) == 0 ? 80 : 10) * MS, failed);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(collisions.get()).isZero();
        assertThat(maxHolding.get()).isLessThanOrEqualTo(4);
        assertThat(throttle.inFlight()).isZero();
    }

    @Test
    void aLoweredLimitTakesEffectAsPermitsAreReleased() throws Exception {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxConcurrency(4).build(), clock);
        for (int i = 0; i < 50; i++) {
            governor.onCommit(50, 10 * MS, false);
        }
        assertThat(governor.concurrency()).isEqualTo(4);
        Throttle throttle = new Throttle(governor, clock);
        Permit a = throttle.acquire(50);
        Permit b = throttle.acquire(50);
        Permit c = throttle.acquire(50);
        Permit d = throttle.acquire(50);
        assertThat(Set.of(a.lane(), b.lane(), c.lane(), d.lane())).containsExactlyInAnyOrder(0, 1, 2, 3);

        throttle.release(a, 50, 10 * MS, true); // a failure halves the limit: 4 → 2, with 3 still running
        assertThat(governor.concurrency()).isEqualTo(2);

        AtomicReference<Permit> got = new AtomicReference<>();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                got.set(throttle.acquire(50));
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "waiter");
        waiter.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING
                || waiter.getState() == Thread.State.WAITING);
        assertThat(acquired.getCount()).isEqualTo(1);

        throttle.release(b, 50, 10 * MS, false); // 2 running, limit 2: still no room
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> acquired.getCount() == 1);
        assertThat(throttle.inFlight()).isEqualTo(2);

        throttle.release(c, 50, 10 * MS, false); // 1 running: now there is
        assertThat(acquired.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(throttle.inFlight()).isEqualTo(2);
        assertThat(got.get().lane()).isNotEqualTo(d.lane()).isBetween(0, 3);
        waiter.join();
    }

    @Test
    void nothingStartsWhileTheGovernorCalibrates() throws Exception {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.ofDefaults(), clock);
        Throttle throttle = new Throttle(governor, clock);
        long t0 = clock.nanoTime();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                throttle.acquire(10);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> clock.nanoTime() - t0 > 5 * SECOND);
        assertThat(acquired.getCount()).isEqualTo(1);
        governor.calibrate(List.of(ForegroundSample.ofMillis(1, 0)));
        assertThat(acquired.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        writer.join();
    }

    @Test
    void anInterruptedWaitHoldsNoSlot() throws Exception {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.ofMode(Mode.FIXED), clock); // 2 at once
        Throttle throttle = new Throttle(governor, clock);
        Permit a = throttle.acquire(5);
        Permit b = throttle.acquire(5);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                throttle.acquire(5);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING
                || waiter.getState() == Thread.State.WAITING);
        waiter.interrupt();
        waiter.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(throttle.inFlight()).isEqualTo(2);
        throttle.release(a, 5, MS, false);
        throttle.release(b, 5, MS, false);
        assertThat(throttle.inFlight()).isZero();
        Set<Integer> lanes = new HashSet<>();
        Permit c = throttle.acquire(5);
        Permit d = throttle.acquire(5);
        lanes.add(c.lane());
        lanes.add(d.lane());
        assertThat(lanes).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void aPermitIsReleasedOnceAndEveryReleaseFeedsTheGovernor() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(GovernorConfig.ofMode(Mode.FAST), clock);
        Throttle throttle = new Throttle(governor, clock);
        Permit p = throttle.acquire(7);
        throttle.release(p, 7, 12 * MS, true);
        assertThat(governor.state().failedCommits()).isEqualTo(1);
        assertThatThrownBy(() -> throttle.release(p, 7, 12 * MS, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("released twice");
        assertThat(throttle.inFlight()).isZero();
        assertThatThrownBy(() -> throttle.acquire(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
