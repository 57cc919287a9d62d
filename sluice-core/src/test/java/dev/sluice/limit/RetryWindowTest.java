package dev.sluice.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryWindowTest {
    /** Stands for a lost connection: what the store's classifier calls transient. */
    static final class Lost extends RuntimeException {
        Lost() {
            super("connection lost");
        }
    }

    private final FakeClock clock = new FakeClock();

    private RetryWindow window(Duration retryFor) {
        return new RetryWindow(RetryWindow.Config.builder().retryFor(retryFor).build(), e -> e instanceof Lost,
                "the database sqlite:x.db", clock);
    }

    @Test
    void transientFailuresAreRetriedUntilTheOperationSucceeds() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger heard = new AtomicInteger();
        long began = clock.nanoTime();
        String result = window(Duration.ofMinutes(2)).call(() -> {
            if (attempts.incrementAndGet() <= 5) {
                throw new Lost();
            }
            return "done";
        }, e -> heard.incrementAndGet());
        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(6);
        assertThat(heard).hasValue(5);
        // full jitter under ceilings of 100, 200, 400, 800, 1600 ms
        assertThat(clock.nanoTime() - began).isLessThan(3_100_000_000L);
    }

    @Test
    void aFailureThatIsNotTransientReachesTheCallerAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException bug = new IllegalStateException("duplicate key");
        long began = clock.nanoTime();
        assertThatThrownBy(() -> window(Duration.ofMinutes(2)).call(() -> {
            attempts.incrementAndGet();
            throw bug;
        })).isSameAs(bug);
        assertThat(attempts).hasValue(1);
        assertThat(clock.nanoTime()).isEqualTo(began);
    }

    @Test
    void anOutageLongerThanTheWindowGivesUpWhenTheWindowEnds() {
        AtomicInteger attempts = new AtomicInteger();
        long began = clock.nanoTime();
        assertThatThrownBy(() -> window(Duration.ofSeconds(30)).call(() -> {
            attempts.incrementAndGet();
            throw new Lost();
        }))
                .isInstanceOf(RetryWindow.OutageTooLong.class)
                .hasCauseInstanceOf(Lost.class)
                .hasMessage("The database sqlite:x.db has been unavailable for 30.0 s, longer than --db-retry-for 30s:"
                        + " connection lost");
        assertThat(clock.nanoTime() - began).isEqualTo(30_000_000_000L);
        // waits grow to their 5 s ceiling: a few dozen attempts, not a busy loop
        assertThat(attempts.get()).isBetween(8, 60);
    }

    @Test
    void callersShareOneOutageAndASuccessEndsIt() throws InterruptedException {
        RetryWindow w = window(Duration.ofSeconds(10));
        assertThatThrownBy(() -> w.call(() -> {
            throw new Lost();
        })).isInstanceOf(RetryWindow.OutageTooLong.class);
        // a caller joining the same outage gets no fresh window
        AtomicInteger late = new AtomicInteger();
        assertThatThrownBy(() -> w.call(() -> {
            late.incrementAndGet();
            throw new Lost();
        })).isInstanceOf(RetryWindow.OutageTooLong.class);
        assertThat(late).hasValue(1);
        // a success ends it; the next outage has the whole window again
        assertThat(w.call(() -> 1)).isEqualTo(1);
        AtomicInteger attempts = new AtomicInteger();
        assertThat(w.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new Lost();
            }
            return 2;
        })).isEqualTo(2);
    }

    @Test
    void aZeroWindowRidesOutNothing() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> window(Duration.ZERO).call(() -> {
            attempts.incrementAndGet();
            throw new Lost();
        }))
                .isInstanceOf(RetryWindow.OutageTooLong.class)
                .hasMessage("The database sqlite:x.db is unavailable, and --db-retry-for 0 rides out nothing:"
                        + " connection lost");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void badSettingsNameTheFlag() {
        assertThatThrownBy(() -> RetryWindow.Config.builder().retryFor(Duration.ofSeconds(-1)).build())
                .hasMessage("--db-retry-for must be 0 or more, was PT-1S");
        assertThat(RetryWindow.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(RetryWindow.human(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(RetryWindow.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(RetryWindow.human(Duration.ofHours(1))).isEqualTo("1h");
    }
}
