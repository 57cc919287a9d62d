package dev.sluice.testing;

import dev.sluice.replay.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded firehose histories for engine tests: few DIDs and keys, so creates, updates and deletes of one record land
 * close together (in adjacent batches), with identity and account events mixed in. Revs are fixed-width and grow
 * with time, as TIDs do.
 */
public final class RandomEvents {
    private RandomEvents() {}

    public static List<Event> generate(long seed, int n, long startUs, int keys) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>(n);
        long t = startUs;
        for (int i = 0; i < n; i++) {
            t += 1 + r.nextInt(2000);
            int k = r.nextInt(keys);
            String did = "did:plc:" + (k % 17);
            String rev = String.format("%016d", t);
            int roll = r.nextInt(100);
            if (roll < 2) {
                out.add(Event.identity(did, t, new Event.Identity("h" + i + ".test", i, "2026-01-01T00:00:00Z"), 120));
            } else if (roll < 3) {
                out.add(Event.account(did, t, new Event.Account(r.nextBoolean(), null, i, "2026-01-01T00:00:00Z"), 120));
            } else {
                Event.Operation op = roll < 60 ? Event.Operation.CREATE : roll < 75 ? Event.Operation.UPDATE
                        : Event.Operation.DELETE;
                String record = op == Event.Operation.DELETE ? null : "{\"n\":" + i + "}";
                String cid = op == Event.Operation.DELETE ? null : "bafy" + i;
                out.add(Event.commit(did, t, new Event.Commit(rev, op, "app.bsky.feed.like", "k" + k, cid, record),
                        200 + r.nextInt(400)));
            }
        }
        return out;
    }
}
