package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** A request's time is when it was handed over, however late its thread runs. */
class DispatchTimeTest {
    @Test
    void aTaskThatRunsLateReadsWhenItWasHandedOver() {
        AtomicLong now = new AtomicLong(100);
        List<Runnable> handedOver = new ArrayList<>();
        Executor stamping = DispatchTime.stamping(handedOver::add, now::get);
        LongSupplier clock = DispatchTime.clock(now::get);
        AtomicLong seen = new AtomicLong();
        stamping.execute(() -> seen.set(clock.getAsLong()));
        now.set(900); // its thread got to run 800 ns later
        handedOver.getFirst().run();
        assertThat(seen.get()).isEqualTo(100);
        assertThat(clock.getAsLong()).as("outside a stamped task: now").isEqualTo(900);
    }
}
