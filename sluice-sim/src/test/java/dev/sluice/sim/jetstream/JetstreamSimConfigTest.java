package dev.sluice.sim.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Defaults as documented, and every bad value refused with a message naming its flag. */
class JetstreamSimConfigTest {
    @Test
    void defaultsMatchTheCommandsDefaults() {
        JetstreamSimConfig c = JetstreamSimConfig.builder().build();
        assertThat(c.port()).isEqualTo(6008);
        assertThat(c.events()).isEqualTo(100_000);
        assertThat(c.hours()).isEqualTo(24);
        assertThat(c.dids()).isEqualTo(10_000);
        assertThat(c.seed()).isEqualTo(1);
        assertThat(c.rate()).isEqualTo(1_000);
        assertThat(c.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(c.collections()).isEqualTo(JetstreamSimConfig.DEFAULT_COLLECTIONS);
        assertThat(c.collections().values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1.0);
        assertThat(c.startUs()).isEmpty();
        assertThat(c.dropAfter()).isZero();
    }

    @Test
    void theRetentionFollowsTheHoursUnlessGiven() {
        assertThat(JetstreamSimConfig.builder().hours(36).build().retention()).isEqualTo(Duration.ofHours(36));
        assertThat(JetstreamSimConfig.builder().hours(36).retention(Duration.ofHours(2)).build().retention())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void collectionWeightsAreNormalised() {
        Map<String, Double> w = new LinkedHashMap<>();
        w.put("app.bsky.feed.like", 3.0);
        w.put("app.bsky.feed.post", 1.0);
        assertThat(JetstreamSimConfig.builder().collections(w).build().collections())
                .containsExactly(Map.entry("app.bsky.feed.like", 0.75), Map.entry("app.bsky.feed.post", 0.25));
    }

    @Test
    void toBuilderKeepsEveryValue() {
        JetstreamSimConfig c = JetstreamSimConfig.builder().port(1).events(5).hours(2).dids(3).seed(4).rate(6)
                .retention(Duration.ofMinutes(7)).startUs(8).dropAfter(9).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    private static void refused(Consumer<JetstreamSimConfig.Builder> change, String flag) {
        assertThatThrownBy(() -> {
            JetstreamSimConfig.Builder b = JetstreamSimConfig.builder();
            change.accept(b);
            b.build();
        }).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(flag);
    }

    @Test
    void badValuesNameTheirFlag() {
        refused(b -> b.port(70_000), "--port");
        refused(b -> b.events(-1), "--events");
        refused(b -> b.hours(0), "--hours");
        refused(b -> b.dids(0), "--dids");
        refused(b -> b.rate(0), "--rate");
        refused(b -> b.rate(Double.NaN), "--rate");
        refused(b -> b.rate(1_000_000), "--rate");
        refused(b -> b.retention(Duration.ZERO), "--retention");
        refused(b -> b.dropAfter(-1), "--drop-after");
        refused(b -> b.collections(Map.of("not an nsid", 1.0)), "--collections");
        refused(b -> b.collections(Map.of("app.bsky.feed.like", 0.0)), "--collections");
        // One hour holds at most 900 million events (one per 4 µs).
        refused(b -> b.hours(1).events(900_000_001L), "--events");
        assertThat(JetstreamSimConfig.builder().hours(1).events(900_000_000L).build().events()).isEqualTo(900_000_000L);
    }
}
