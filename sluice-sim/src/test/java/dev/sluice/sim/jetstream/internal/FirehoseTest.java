package dev.sluice.sim.jetstream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The generated firehose: a pure function of (seed, i) with the shape and invariants a replay relies on. */
class FirehoseTest {
    static final long START_US = 1_750_000_000_000_000L;
    static final long HOUR_US = 3_600_000_000L;

    static Firehose firehose(long events, int hours, int dids, long seed) {
        return new Firehose(events, hours * HOUR_US, START_US, 1_000, dids, JetstreamSimConfig.DEFAULT_COLLECTIONS,
                seed);
    }

    @Test
    void theSameSeedMakesTheSameBytesAndAnotherSeedOthers() {
        Firehose a = firehose(50_000, 24, 1_000, 7);
        Firehose b = firehose(50_000, 24, 1_000, 7);
        Firehose c = firehose(50_000, 24, 1_000, 8);
        int same = 0;
        for (long i : new long[] {0, 1, 2, 999, 25_000, 49_999, 50_000, 50_001, 1_000_000}) {
            assertThat(EventJson.write(b.event(i))).isEqualTo(EventJson.write(a.event(i)));
            if (EventJson.write(c.event(i)).equals(EventJson.write(a.event(i)))) {
                same++;
            }
        }
        assertThat(same).isZero();
        // Order does not matter: event i made cold equals event i made after others.
        Firehose d = firehose(50_000, 24, 1_000, 7);
        assertThat(d.event(31_337)).isEqualTo(a.event(31_337));
    }

    @Test
    void timeStrictlyIncreasesThroughHistoryAndIntoTheLiveTail() {
        long n = 200_000;
        Firehose f = firehose(n, 1, 100, 3); // 18 ms apart on average: a dense history
        long previous = Long.MIN_VALUE;
        for (long i = 0; i < n + 5_000; i++) {
            long t = f.timeUs(i);
            assertThat(t).as("event %d", i).isGreaterThan(previous);
            previous = t;
        }
        assertThat(f.timeUs(0)).isGreaterThanOrEqualTo(START_US - HOUR_US);
        assertThat(f.timeUs(n - 1)).isLessThan(START_US);
        assertThat(f.timeUs(n)).isEqualTo(START_US);
        assertThat(f.timeUs(n + 1_000)).isEqualTo(START_US + 1_000_000); // 1,000 events/s live
    }

    @Test
    void theDensestHistoryAllowedStaysStrict() {
        long n = 1 * HOUR_US / 4; // one event per 4 µs on average, the config's limit
        Firehose f = firehose(n, 1, 10, 5);
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 100_000; k++) {
            long i = r.nextLong(n);
            assertThat(f.timeUs(i + 1)).isGreaterThan(f.timeUs(i));
        }
        assertThat(f.timeUs(n - 1)).isLessThan(START_US);
    }

    @Test
    void seekFindsWhatAScanFinds() {
        long n = 20_000;
        Firehose f = firehose(n, 2, 100, 11);
        SplittableRandom r = new SplittableRandom(2);
        long last = f.timeUs(n + 3_000);
        for (int k = 0; k < 300; k++) {
            long cursor = START_US - 3 * HOUR_US + r.nextLong(last - (START_US - 3 * HOUR_US));
            if (k % 3 == 0) {
                cursor = f.timeUs(r.nextLong(n + 3_000)) + (k % 2); // on an event, or just after one
            }
            long scanned = 0;
            while (f.timeUs(scanned) < cursor) {
                scanned++;
            }
            assertThat(f.seek(cursor)).as("cursor %d", cursor).isEqualTo(scanned);
        }
        assertThat(f.seek(Long.MIN_VALUE / 2)).isZero();
        assertThat(f.seek(START_US)).isEqualTo(n);
    }

    @Test
    void kindsAndOperationsFollowTheNetworksMix() {
        Firehose f = firehose(100_000, 24, 10_000, 1);
        Map<Event.Kind, Integer> kinds = new EnumMap<>(Event.Kind.class);
        Map<Event.Operation, Integer> ops = new EnumMap<>(Event.Operation.class);
        Map<String, Integer> collections = new HashMap<>();
        long bytes = 0;
        int n = 100_000;
        for (long i = 0; i < n; i++) {
            Event e = f.event(i);
            bytes += e.sizeBytes();
            kinds.merge(e.kind(), 1, Integer::sum);
            if (e.commit() != null) {
                ops.merge(e.commit().operation(), 1, Integer::sum);
                if (e.commit().operation() == Event.Operation.CREATE) {
                    collections.merge(e.commit().collection(), 1, Integer::sum);
                }
            }
        }
        int commits = kinds.get(Event.Kind.COMMIT);
        assertThat(commits / (double) n).isCloseTo(0.97, within(0.005));
        assertThat(kinds.get(Event.Kind.IDENTITY) / (double) n).isCloseTo(0.02, within(0.003));
        assertThat(kinds.get(Event.Kind.ACCOUNT) / (double) n).isCloseTo(0.01, within(0.003));
        assertThat(ops.get(Event.Operation.CREATE) / (double) commits).isCloseTo(0.75, within(0.01));
        assertThat(ops.get(Event.Operation.UPDATE) / (double) commits).isCloseTo(0.08, within(0.01));
        assertThat(ops.get(Event.Operation.DELETE) / (double) commits).isCloseTo(0.17, within(0.01));
        int creates = ops.get(Event.Operation.CREATE);
        assertThat(collections.get("app.bsky.feed.like") / (double) creates).isCloseTo(0.50, within(0.01));
        assertThat(collections.get("app.bsky.actor.profile") / (double) creates).isCloseTo(0.05, within(0.01));
        System.out.printf("average event: %d bytes%n", bytes / n);
        assertThat(bytes / n).isBetween(440L, 520L);
    }

    @Test
    void aFewDidsAreFarMoreActiveThanTheRest() {
        Firehose f = firehose(100_000, 24, 10_000, 1);
        Map<String, Integer> perDid = new HashMap<>();
        for (long i = 0; i < 100_000; i++) {
            perDid.merge(f.skeleton(i).didIndex() + "", 1, Integer::sum);
        }
        int[] counts = perDid.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        long top1Percent = 0;
        for (int k = counts.length - 100; k < counts.length; k++) {
            top1Percent += counts[k];
        }
        assertThat(top1Percent).isGreaterThan(15_000); // the busiest 100 of 10,000 DIDs: over 15 % of events
        assertThat(counts[counts.length - 1]).isGreaterThan(1_000);
    }

    @Test
    void anUpdateOrDeleteTouchesTheKeyOfAnEarlierCreateOfTheSameDid() {
        Firehose f = firehose(50_000, 24, 1_000, 9);
        int checked = 0;
        for (long i = 0; i < 50_000; i++) {
            Skeleton s = f.skeleton(i);
            if (s.operation() == null || s.operation() == Event.Operation.CREATE) {
                if (s.operation() == Event.Operation.CREATE) {
                    assertThat(s.target()).isEqualTo(i);
                }
                continue;
            }
            assertThat(s.target()).isLessThan(i).isGreaterThanOrEqualTo(i - Firehose.TARGET_WINDOW);
            Event e = f.event(i);
            Event created = f.event(s.target());
            assertThat(created.commit().operation()).isEqualTo(Event.Operation.CREATE);
            assertThat(e.did()).isEqualTo(created.did());
            assertThat(e.commit().collection()).isEqualTo(created.commit().collection());
            assertThat(e.commit().rkey()).isEqualTo(created.commit().rkey());
            assertThat(e.commit().rev()).isGreaterThan(created.commit().rev());
            if (e.commit().operation() == Event.Operation.DELETE) {
                assertThat(e.commit().cid()).isNull();
                assertThat(e.commit().recordJson()).isNull();
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void aCreatesRkeyAndRevAreTidsOfItsOwnTime() {
        Firehose f = firehose(10_000, 24, 1_000, 9);
        for (long i = 0; i < 2_000; i++) {
            Event e = f.event(i);
            if (e.commit() != null && e.commit().operation() == Event.Operation.CREATE) {
                assertThat(Tid.timeUs(e.commit().rkey())).isEqualTo(e.timeUs());
                assertThat(Tid.timeUs(e.commit().rev())).isEqualTo(e.timeUs());
                assertThat(e.commit().cid()).startsWith("bafyrei").hasSize(59);
                assertThat(e.commit().recordJson()).startsWith("{\"$type\":\"" + e.commit().collection() + "\"");
            }
        }
    }

    @Test
    void theRevsOfOneDidIncreaseWithTimeAndSeqsWithIndex() {
        Firehose f = firehose(30_000, 24, 50, 4);
        Map<String, String> lastRev = new HashMap<>();
        long lastSeq = 0;
        for (long i = 0; i < 30_000; i++) {
            Event e = f.event(i);
            if (e.commit() != null) {
                String before = lastRev.put(e.did(), e.commit().rev());
                if (before != null) {
                    assertThat(e.commit().rev()).isGreaterThan(before);
                }
            } else {
                long seq = e.identity() != null ? e.identity().seq() : e.account().seq();
                assertThat(seq).isGreaterThan(lastSeq);
                lastSeq = seq;
            }
        }
    }

    @Test
    void everyEventParsesBackToItself() {
        Firehose f = firehose(5_000, 24, 100, 12);
        for (long i = 0; i < 5_000; i++) {
            Event e = f.event(i);
            assertThat(EventJson.parse(EventJson.writeBytes(e))).isEqualTo(e);
        }
    }
}
