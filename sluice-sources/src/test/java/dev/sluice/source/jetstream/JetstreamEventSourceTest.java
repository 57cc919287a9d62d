package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.limit.Backoff;
import dev.sluice.replay.Event;
import dev.sluice.replay.Subscription;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import dev.sluice.testing.FakeClock;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Jetstream client against the real simulator over real sockets. */
class JetstreamEventSourceTest {
    static final long START_US = 1_750_000_000_000_000L;
    static final long HOUR_US = 3_600_000_000L;
    static final Duration WAIT = Duration.ofSeconds(10);

    private static JetstreamSimulator sim(JetstreamSimConfig.Builder b) {
        return JetstreamSimulator.start(b.port(0).startUs(START_US).build(), new FakeClock());
    }

    private static JetstreamEventSource source(JetstreamSimulator sim, long maxBufferedBytes) {
        return new JetstreamEventSource(JetstreamSourceConfig.builder(sim.uri()).maxBufferedBytes(maxBufferedBytes)
                .reconnect(new Backoff(4, Duration.ofMillis(50), Duration.ofSeconds(1)))
                .quietPing(Duration.ofMillis(200)).build(), Clock.system());
    }

    private static List<Event> read(JetstreamStream s, int n) throws Exception {
        List<Event> out = new ArrayList<>(n);
        while (out.size() < n) {
            Event e = s.next(WAIT);
            assertThat(e).as("event %d of %d", out.size(), n).isNotNull();
            out.add(e);
        }
        return out;
    }

    private static List<Event> first(Iterator<Event> it, int n, Subscription filter) {
        List<Event> out = new ArrayList<>(n);
        while (out.size() < n && it.hasNext()) {
            Event e = it.next();
            if (filter.wants(e)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Subscription all(long cursorUs) {
        return Subscription.from(cursorUs);
    }

    @Test
    void aCursorReplaysExactlyWhatTheSimulatorHolds() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(5_000));
             JetstreamStream s = source(sim, 1 << 20).open(all(sim.event(1_000).timeUs()))) {
            assertThat(read(s, 2_000)).containsExactlyElementsOf(
                    first(sim.events(sim.event(1_000).timeUs(), Long.MAX_VALUE), 2_000, all(0)));
            assertThat(s.lastTimeUs()).hasValue(sim.event(2_999).timeUs());
        }
    }

    @Test
    void filtersAreAppliedByTheServerWithPrefixWildcards() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(20_000).dids(30))) {
            String did = sim.event(3).did();
            Subscription sub = new Subscription(OptionalLong.of(0), Set.of("app.bsky.graph.follow", "app.bsky.feed.*"),
                    Set.of(did, "did:plc:nobodyatall"));
            List<Event> expected = first(sim.events(0, START_US), 400, sub);
            assertThat(expected).anyMatch(e -> e.kind() != Event.Kind.COMMIT)
                    .anyMatch(e -> e.kind() == Event.Kind.COMMIT && e.commit().collection().startsWith("app.bsky.feed."))
                    .allMatch(e -> e.did().equals(did));
            try (JetstreamStream s = source(sim, 1 << 20).open(sub)) {
                assertThat(read(s, expected.size())).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aCursorOlderThanTheRetentionStartsAtTheOldestEvent() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(10_000).hours(10)
                .retention(Duration.ofHours(2)));
             JetstreamStream s = source(sim, 1 << 20).open(all(START_US - 9 * HOUR_US))) {
            List<Event> got = read(s, 100);
            assertThat(got.get(0).timeUs()).isEqualTo(sim.oldestUs());
            assertThat(got).containsExactlyElementsOf(first(sim.events(sim.oldestUs(), Long.MAX_VALUE), 100, all(0)));
        }
    }

    @Test
    void historyFlowsIntoTheLiveTailWithNoGap() throws Exception {
        // The simulator's fake clock moves as its sender waits for live events: a live tail at full speed.
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(2_000).rate(100));
             JetstreamStream s = source(sim, 1 << 20).open(all(sim.event(1_500).timeUs()))) {
            List<Event> got = read(s, 1_500);
            assertThat(got).containsExactlyElementsOf(first(sim.events(sim.event(1_500).timeUs(), Long.MAX_VALUE),
                    1_500, all(0)));
            assertThat(got.get(499).timeUs()).isLessThan(START_US);
            assertThat(got.get(500).timeUs()).isEqualTo(START_US); // the first live event, right after the last old one
            assertThat(got.get(1_499).timeUs()).isEqualTo(START_US + 999 * 10_000L);
        }
    }

    @Test
    void noCursorIsTheLiveTail() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(1_000).rate(100));
             JetstreamStream s = source(sim, 1 << 20).open(new Subscription(OptionalLong.empty(), Set.of(), Set.of()))) {
            assertThat(read(s, 3)).containsExactly(sim.event(1_000), sim.event(1_001), sim.event(1_002));
        }
    }

    @Test
    void aReaderThatStopsReadingHoldsAtMostTheBoundPlusOneMessageAndStallsTheServer() throws Exception {
        long bound = 64 * 1024;
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(200_000));
             JetstreamStream s = source(sim, bound).open(all(0))) {
            assertThat(s.next(WAIT)).isEqualTo(sim.event(0));
            // Now the reader stops. The stream stops asking once it holds the bound; the sockets fill; the server's
            // sender blocks in its write.
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long sent = sim.stats().eventsSent();
                boolean still = sent == last[0];
                last[0] = sent;
                return still;
            });
            long sent = sim.stats().eventsSent();
            assertThat(sent).isLessThan(200_000);
            int largest = 0;
            for (long i = 0; i <= sent; i++) {
                largest = Math.max(largest, sim.event(i).sizeBytes());
            }
            System.out.printf("stalled after %,d events sent; the stream holds %,d bytes (bound %,d + %,d)%n", sent,
                    s.bufferedBytes(), bound, largest);
            assertThat(s.bufferedBytes()).isGreaterThan(0).isLessThanOrEqualTo(bound + largest);
            // Reading on resumes the flow with nothing lost or doubled.
            assertThat(read(s, (int) sent + 100)).containsExactlyElementsOf(
                    first(sim.events(sim.event(1).timeUs(), Long.MAX_VALUE), (int) sent + 100, all(0)));
        }
    }

    @Test
    void afterDropsItReconnectsAndDeliversEveryEventOnceInOrder() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(3_000).dropAfter(400));
             JetstreamStream s = source(sim, 16 * 1024).open(all(0))) {
            List<Event> got = read(s, 3_000);
            assertThat(got).containsExactlyElementsOf(first(sim.events(0, Long.MAX_VALUE), 3_000, all(0)));
            assertThat(s.reconnects()).isGreaterThanOrEqualTo(7);
            assertThat(sim.stats().drops()).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void aDropWhileTheReaderIsBehindIsFoundByAPingAndRepaired() throws Exception {
        // The server cuts the connection while the stream holds its bound and asks for nothing. java.net.http then
        // loses the end of the stream (no onClose ever comes); only the quiet-connection ping can find the drop.
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(1_000).dropAfter(600));
             JetstreamStream s = source(sim, 8 * 1024).open(all(0))) {
            await().atMost(WAIT).until(() -> sim.stats().drops() == 1);
            List<Event> got = read(s, 1_000);
            assertThat(got).containsExactlyElementsOf(first(sim.events(0, Long.MAX_VALUE), 1_000, all(0)));
            assertThat(s.reconnects()).isEqualTo(1);
        }
    }

    @Test
    void itGivesUpAfterTheConsecutiveFailuresItAllowsAndSaysWhy() throws Exception {
        JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(100));
        URI uri = sim.uri();
        JetstreamStream s = source(sim, 1 << 20).open(all(0));
        try (s) {
            read(s, 10);
            sim.close(); // every reconnection is now refused
            assertThatThrownBy(() -> {
                while (true) {
                    s.next(WAIT);
                }
            }).isInstanceOf(IOException.class)
                    .hasMessageContaining(uri.toString())
                    .hasMessageContaining("gave up after 4 consecutive failed connections")
                    .hasMessageContaining("last error");
            assertThat(s.reconnects()).isZero();
        }
    }

    @Test
    void aServerThatCannotBeReachedOrRefusesTheQueryFailsOpen() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(10))) {
            JetstreamEventSource source = source(sim, 1 << 20);
            assertThatThrownBy(() -> source.open(new Subscription(OptionalLong.empty(), Set.of("not a collection"),
                    Set.of()))).isInstanceOf(IOException.class).hasMessageContaining(sim.uri().toString())
                    .hasMessageContaining("HTTP 400");
        }
        JetstreamEventSource nowhere = new JetstreamEventSource(URI.create("ws://127.0.0.1:1"), 1024);
        assertThatThrownBy(() -> nowhere.open(all(0))).isInstanceOf(IOException.class)
                .hasMessageContaining("ws://127.0.0.1:1/subscribe?cursor=0").hasMessageContaining("cannot subscribe");
    }

    @Test
    void aHundredThousandEventsStreamThrough() throws Exception {
        try (JetstreamSimulator sim = sim(JetstreamSimConfig.builder().events(100_000));
             JetstreamStream s = source(sim, 4 << 20).open(all(0))) {
            long t0 = System.nanoTime();
            long bytes = 0;
            Event last = null;
            for (int k = 0; k < 100_000; k++) {
                last = s.next(WAIT);
                assertThat(last).isNotNull();
                bytes += last.sizeBytes();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("100,000 events, %.1f MB in %.2f s: %.0f events/s%n", bytes / 1e6, seconds,
                    100_000 / seconds);
            assertThat(last).isEqualTo(sim.event(99_999));
            assertThat(sim.stats().bytesSent()).isGreaterThanOrEqualTo(bytes);
        }
    }
}
