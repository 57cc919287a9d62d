package dev.sluice.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayBatchTest {

    @Test
    void compareUtf8AgreesWithComparingTheEncodedBytes() {
        Random random = new Random(7);
        // Characters from ranges where UTF-16 and UTF-8 order disagree: below D800, E000..FFFF, supplementary.
        int[] pool = {'a', 'z', 0x7FF, 0xD7FF, 0xE000, 0xFF01, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
        for (int i = 0; i < 20_000; i++) {
            String a = randomString(random, pool);
            String b = randomString(random, pool);
            int expected = Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                    b.getBytes(StandardCharsets.UTF_8)));
            assertThat(Integer.signum(ReplayBatch.compareUtf8(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        }
    }

    private static String randomString(Random random, int[] pool) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(pool[random.nextInt(pool.length)]);
        }
        return sb.toString();
    }

    @Test
    void collapseKeepsTheGreatestRevOrSeqTheLaterOfEqualsInKeyOrder() {
        Event b1 = commit("did:b", "r", "3k2", Event.Operation.CREATE);
        Event b2 = commit("did:b", "r", "3k1", Event.Operation.UPDATE);
        Event a1 = commit("did:a", "r", "3k1", Event.Operation.CREATE);
        Event a2 = commit("did:a", "r", "3k1", Event.Operation.UPDATE);
        Event c1 = commit("did:a", "s", "3k3", Event.Operation.CREATE);
        Event c2 = commit("did:a", "s", "3k4", Event.Operation.DELETE);
        Event i1 = Event.identity("did:x", 1, new Event.Identity("x", 5, "t"), 0);
        Event i2 = Event.identity("did:x", 2, new Event.Identity("y", 5, "t"), 0);
        Event i3 = Event.identity("did:w", 3, new Event.Identity("w", 1, "t"), 0);
        Event n1 = Event.account("did:x", 4, new Event.Account(true, null, 9, "t"), 0);
        Event n2 = Event.account("did:x", 5, new Event.Account(false, "takendown", 8, "t"), 0);

        ReplayBatch batch = ReplayBatch.of(List.of(b1, b2, a1, a2, c1, c2, i1, i2, i3, n1, n2));

        assertThat(batch.upserts()).containsExactly(a2, b1);
        assertThat(batch.deletes()).containsExactly(c2);
        assertThat(batch.identities()).containsExactly(i3, i2);
        assertThat(batch.accounts()).containsExactly(n1);
        assertThat(batch.collapsed()).isEqualTo(5);
        assertThat(batch.size()).isEqualTo(6);
    }

    @Test
    void randomCommitsCollapseToTheGreatestRevPerKeyTheLastOfEqualsSortedByKey() {
        SplittableRandom random = new SplittableRandom(42);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String did = "did:plc:" + random.nextInt(30);
            String rkey = "r" + random.nextInt(4);
            String rev = "3k" + (char) ('a' + random.nextInt(5)); // few revs: many ties
            Event.Operation op = Event.Operation.values()[random.nextInt(Event.Operation.values().length)];
            events.add(commit(did, rkey, rev, op));
        }

        ReplayBatch batch = ReplayBatch.of(events);

        // The reference: for each key, the event with the greatest rev, the latest of equals.
        Map<String, Event> expected = new HashMap<>();
        for (Event e : events) {
            expected.merge(e.did() + "/" + e.commit().rkey(), e,
                    (kept, next) -> ReplayBatch.compareUtf8(next.commit().rev(), kept.commit().rev()) >= 0 ? next : kept);
        }
        List<Event> all = new ArrayList<>(batch.upserts());
        all.addAll(batch.deletes());
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(batch.upserts()).isSortedAccordingTo(ReplayBatch.KEY_ORDER)
                .allMatch(e -> e.commit().operation() != Event.Operation.DELETE);
        assertThat(batch.deletes()).isSortedAccordingTo(ReplayBatch.KEY_ORDER)
                .allMatch(e -> e.commit().operation() == Event.Operation.DELETE);
        assertThat(batch.collapsed()).isEqualTo(events.size() - expected.size());
    }

    private static Event commit(String did, String rkey, String rev, Event.Operation op) {
        boolean delete = op == Event.Operation.DELETE;
        return Event.commit(did, 1, new Event.Commit(rev, op, "app.bsky.feed.post", rkey, delete ? null : "cid",
                delete ? null : "{}"), 0);
    }
}
