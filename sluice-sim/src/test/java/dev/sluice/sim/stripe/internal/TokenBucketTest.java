package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    static final long S = 1_000_000_000L;

    @Test
    void startsFullAndEmptiesAfterTheBurst() {
        TokenBucket bucket = new TokenBucket(25, 3, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
    }

    @Test
    void refillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(25, 1, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(S / 25 - 1)).isFalse();
        assertThat(bucket.tryTake(S / 25)).isTrue();
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        TokenBucket bucket = new TokenBucket(100, 2, 0);
        long taken = 0;
        for (int i = 0; i < 5; i++) {
            if (bucket.tryTake(3_600 * S)) {
                taken++;
            }
        }
        assertThat(taken).isEqualTo(2);
    }

    @Test
    void oneSecondOfSteadyDemandGetsBurstPlusRate() {
        TokenBucket bucket = new TokenBucket(25, 3, 0);
        int granted = 0;
        for (long t = 0; t < S; t += S / 1_000) {
            if (bucket.tryTake(t)) {
                granted++;
            }
        }
        assertThat(granted).isBetween(27, 28);
    }
}
