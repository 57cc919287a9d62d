package dev.sluice.sim.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.testing.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The simulator over a real socket, read by a bare java.net.http client that asks for one frame at a time. */
class JetstreamSimulatorTest {
    static final long START_US = 1_750_000_000_000_000L;
    static final long HOUR_US = 3_600_000_000L;

    private static JetstreamSimulator start(JetstreamSimConfig.Builder b, FakeClock clock) {
        return JetstreamSimulator.start(b.port(0).startUs(START_US).build(), clock);
    }

    private static URI subscribe(JetstreamSimulator sim, String query) {
        return URI.create(sim.uri() + (query.isEmpty() ? "" : "?" + query));
    }

    private static List<Event> take(WsTestClient c, int n) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String m = c.take();
            assertThat(m).as("message %d", k).isNotNull();
            out.add(EventJson.parse(m));
        }
        return out;
    }

    private static List<Event> expected(Iterator<Event> it, int n) {
        List<Event> out = new ArrayList<>();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void aCursorReplaysHistoryFromTheFirstEventAtOrAfterIt() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(10_000), new FakeClock());
             WsTestClient c = new WsTestClient(subscribe(sim, "cursor=" + sim.event(1234).timeUs()))) {
            assertThat(sim.uri().toString()).startsWith("ws://127.0.0.1:").endsWith("/subscribe");
            assertThat(take(c, 50)).containsExactlyElementsOf(expected(sim.events(sim.event(1234).timeUs(),
                    Long.MAX_VALUE), 50));
        }
    }

    @Test
    void aPrerenderedHistoryServesTheSameEventsIntoTheLiveTailAndFiltersStillApply() throws Exception {
        JetstreamSimConfig.Builder b = JetstreamSimConfig.builder().events(3_000).rate(100).prerender(true);
        try (JetstreamSimulator sim = start(b, new FakeClock());
             WsTestClient all = new WsTestClient(subscribe(sim, "cursor=" + sim.event(2_900).timeUs()));
             WsTestClient likes = new WsTestClient(subscribe(sim, "cursor=0&wantedCollections=app.bsky.feed.like"))) {
            assertThat(take(all, 200)).containsExactlyElementsOf(expected(sim.events(sim.event(2_900).timeUs(),
                    Long.MAX_VALUE), 200)); // 100 rendered ones, then 100 of the live tail made as they come
            List<Event> got = take(likes, 100);
            assertThat(got).allMatch(e -> e.kind() != Event.Kind.COMMIT
                    || e.commit().collection().equals("app.bsky.feed.like"));
            assertThat(got).filteredOn(e -> e.kind() == Event.Kind.COMMIT).hasSizeGreaterThan(50);
        }
    }

    @Test
    void noCursorOrAFutureCursorIsTheLiveTail() throws Exception {
        FakeClock clock = new FakeClock();
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(1_000).rate(50), clock)) {
            try (WsTestClient c = new WsTestClient(subscribe(sim, ""))) {
                // The fake clock has not moved: the live tail starts at the simulator's start, event 1,000.
                assertThat(take(c, 5)).containsExactly(sim.event(1_000), sim.event(1_001), sim.event(1_002),
                        sim.event(1_003), sim.event(1_004));
            }
            // The sender slept on the fake clock, which moved it; once it is gone, nothing moves it.
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().subscribers() == 0);
            long now = sim.nowUs();
            assertThat(now).isGreaterThanOrEqualTo(sim.event(1_004).timeUs());
            try (WsTestClient c = new WsTestClient(subscribe(sim, "cursor=" + (now + 3_600_000_000L)))) {
                Event first = take(c, 1).get(0);
                assertThat(first.timeUs()).isGreaterThanOrEqualTo(now).isLessThan(now + 1_000_000);
            }
        }
    }

    @Test
    void aCursorOlderThanTheRetentionIsClampedSilentlyToTheOldestEvent() throws Exception {
        FakeClock clock = new FakeClock();
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(24_000).hours(24)
                .retention(Duration.ofHours(1)), clock);
             WsTestClient c = new WsTestClient(subscribe(sim, "cursor=" + (START_US - 5 * HOUR_US)))) {
            long oldest = sim.oldestUs();
            assertThat(oldest).isBetween(START_US - HOUR_US, START_US - HOUR_US + 60_000_000);
            assertThat(take(c, 20)).containsExactlyElementsOf(expected(sim.events(oldest, Long.MAX_VALUE), 20));
        }
    }

    @Test
    void theRetentionDefaultsToTheHistorysLength() {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(1_000).hours(3), new FakeClock())) {
            assertThat(sim.oldestUs()).isEqualTo(sim.event(0).timeUs());
            assertThat(sim.startUs()).isEqualTo(START_US);
            assertThat(sim.event(999).timeUs()).isLessThan(START_US);
        }
    }

    @Test
    void filtersKeepTheWantedCollectionsAndDidsAndAlwaysIdentityAndAccount() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(20_000).dids(50), new FakeClock())) {
            String did = sim.event(7).did();
            URI uri = subscribe(sim, "cursor=0&wantedCollections=app.bsky.graph.follow"
                    + "&wantedCollections=app.bsky.feed.*&wantedDids=" + did);
            List<Event> wanted = new ArrayList<>();
            int otherKinds = 0;
            for (Iterator<Event> it = sim.events(0, START_US); it.hasNext() && wanted.size() < 300; ) {
                Event e = it.next();
                if (!e.did().equals(did)) {
                    continue;
                }
                if (e.commit() == null) {
                    otherKinds++;
                    wanted.add(e);
                } else if (e.commit().collection().equals("app.bsky.graph.follow")
                        || e.commit().collection().startsWith("app.bsky.feed.")) {
                    wanted.add(e);
                }
            }
            assertThat(otherKinds).isPositive();
            try (WsTestClient c = new WsTestClient(uri)) {
                assertThat(take(c, wanted.size())).containsExactlyElementsOf(wanted);
            }
        }
    }

    @Test
    void withRequireHelloTheStreamStartsAtTheHelloWhoseFiltersReplaceTheQuerys() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(5_000), new FakeClock());
             WsTestClient c = new WsTestClient(subscribe(sim,
                     "cursor=0&requireHello=true&wantedCollections=app.bsky.feed.post"))) {
            c.send("{\"type\":\"options_update\",\"payload\":{\"wantedCollections\":[\"app.bsky.feed.like\"],"
                    + "\"wantedDids\":[],\"maxMessageSizeBytes\":0}}");
            List<Event> wanted = new ArrayList<>();
            for (Iterator<Event> it = sim.events(0, Long.MAX_VALUE); it.hasNext() && wanted.size() < 200; ) {
                Event e = it.next();
                if (e.commit() == null || e.commit().collection().equals("app.bsky.feed.like")) {
                    wanted.add(e);
                }
            }
            assertThat(take(c, wanted.size())).containsExactlyElementsOf(wanted);
        }
    }

    @Test
    void aHelloThatIsNotAnOptionsUpdateClosesTheConnection() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(100), new FakeClock());
             WsTestClient c = new WsTestClient(subscribe(sim, "cursor=0&requireHello=true"))) {
            c.send("{\"type\":\"hello\"}");
            assertThat(c.take()).isEqualTo("closed");
        }
    }

    @Test
    void aBadQueryIsRefusedWith400NamingTheParameter() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(10), new FakeClock())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                    sim.uri().toString().replace("ws:", "http:") + "?cursor=yesterday")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("cursor").contains("yesterday");
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(
                    sim.uri().toString().replace("ws:", "http:") + "?wantedDids=alice")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.body()).contains("wantedDids");
            assertThatThrownBy(() -> new WsTestClient(subscribe(sim, "cursor=yesterday")))
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(400));
        }
    }

    @Test
    void aClientThatStopsReadingStallsItsSender() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(200_000), new FakeClock());
             WsTestClient c = new WsTestClient(subscribe(sim, "cursor=0"))) {
            // The client asks for nothing: the kernel's socket buffers fill and the sender's write blocks.
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long sent = sim.stats().eventsSent();
                boolean still = sent == last[0];
                last[0] = sent;
                return still;
            });
            long stalled = sim.stats().eventsSent();
            assertThat(stalled).isLessThan(200_000);
            assertThat(sim.stats().subscribers()).isEqualTo(1);
            // Reading again lets it go on, from exactly where it stopped, with nothing skipped.
            int n = (int) stalled + 100;
            assertThat(take(c, n)).containsExactlyElementsOf(expected(sim.events(0, Long.MAX_VALUE), n));
            assertThat(sim.stats().eventsSent()).isGreaterThan(stalled);
        }
    }

    @Test
    void theDropFaultCutsTheSocketAfterNEventsWithNoCloseFrame() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(1_000).dropAfter(3), new FakeClock())) {
            List<RawFrames.Frame> frames = RawFrames.readUntilEof(subscribe(sim, "cursor=0"));
            assertThat(frames).extracting(RawFrames.Frame::opcode).containsExactly(1, 1, 1); // three texts, no close
            assertThat(frames).extracting(f -> EventJson.parse(f.text()))
                    .containsExactly(sim.event(0), sim.event(1), sim.event(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().subscribers() == 0);
            assertThat(sim.stats().drops()).isEqualTo(1);
            assertThat(sim.stats().eventsSent()).isEqualTo(3);
            assertThat(sim.stats().bytesSent()).isEqualTo(sim.event(0).sizeBytes() + sim.event(1).sizeBytes()
                    + sim.event(2).sizeBytes());
            // The knob turns at run time too: from now on every connection lasts one event.
            sim.dropAfter(1);
            assertThat(RawFrames.readUntilEof(subscribe(sim, "cursor=0"))).hasSize(1);
        }
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(0), new FakeClock());
             WsTestClient c = new WsTestClient(subscribe(sim, "wantedDids=did:plc:nobody"))) {
            c.ping("are you there");
            assertThat(c.take()).isEqualTo("pong are you there");
        }
    }

    @Test
    void aClientCloseEndsTheSubscription() throws Exception {
        try (JetstreamSimulator sim = start(JetstreamSimConfig.builder().events(1_000), new FakeClock())) {
            WsTestClient c = new WsTestClient(subscribe(sim, "cursor=0"));
            take(c, 2);
            assertThat(sim.stats().subscribers()).isEqualTo(1);
            c.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().subscribers() == 0);
            assertThat(sim.stats().connections()).isEqualTo(1);
        }
    }
}
