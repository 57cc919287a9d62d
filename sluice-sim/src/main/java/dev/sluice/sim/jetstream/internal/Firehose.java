package dev.sluice.sim.jetstream.internal;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole simulated firehose as a pure function: event {@code i} is made from {@code (seed, i)} on demand and
 * nothing is stored, so a million events cost no memory and any index can be served first.
 *
 * <p>What must stay true (the tests defend each):
 * <ul>
 *   <li>{@code time_us} strictly increases with {@code i} ({@link Timeline}).</li>
 *   <li>Kinds are about 97 % commit, 2 % identity, 1 % account; commits about 75 % create, 8 % update, 17 % delete.
 *   </li>
 *   <li>A create's key is {@code (did, collection, rkey = TID of its own time_us)}. An update or delete touches the
 *       key of an earlier create {@code j < i}, picked from the last {@value #TARGET_WINDOW} events with a bias to
 *       the most recent (a like and its unlike come close together), and takes that event's DID. If no create is
 *       found in a few draws, the event is a create after all.</li>
 *   <li>{@code rev} is the TID of the event's own {@code time_us} with its DID's clock id, so the revs of one DID
 *       increase with time and a later change of a record always carries a greater rev.</li>
 *   <li>DIDs are skewed: the {@code k}-th of {@code dids} is drawn with probability ∝ the slope of
 *       {@code (k/dids)^(1/3)}, so the busiest 1 % of DIDs make about a fifth of the events.</li>
 *   <li>Identity and account {@code seq} is {@value #SEQ_BASE} + i: increasing with {@code i}.</li>
 * </ul>
 */
public final class Firehose {
    static final int TARGET_WINDOW = 5_000;
    static final int TARGET_ATTEMPTS = 8;
    static final long SEQ_BASE = 4_000_000_000L;
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String[] STATUSES = {"deactivated", "takendown", "suspended", "deleted"};

    private final Timeline timeline;
    private final Dice dice;
    private final int dids;
    private final List<String> collections;
    private final double[] cumulative;
    private final Records records;

    public Firehose(long events, long spanUs, long startUs, double rate, int dids, Map<String, Double> collections,
                    long seed) {
        this.timeline = new Timeline(events, spanUs, startUs, rate, seed);
        this.dice = new Dice(seed);
        this.dids = dids;
        this.collections = List.copyOf(collections.keySet());
        this.cumulative = new double[this.collections.size()];
        double sum = 0;
        List<Double> weights = new ArrayList<>(collections.values());
        for (int k = 0; k < cumulative.length; k++) {
            sum += weights.get(k);
            cumulative[k] = sum;
        }
        this.records = new Records(this, dice);
    }

    public Timeline timeline() {
        return timeline;
    }

    public long timeUs(long i) {
        return timeline.timeUs(i);
    }

    public long seek(long cursorUs) {
        return timeline.seek(cursorUs);
    }

    public String collection(int k) {
        return collections.get(k);
    }

    public int dids() {
        return dids;
    }

    /** The {@code k}-th DID: {@code did:plc:} and 24 base32 characters, from the seed. */
    public String did(int k) {
        StringBuilder sb = new StringBuilder(32).append("did:plc:");
        long a = dice.bits(k, Draw.DID_NAME);
        long b = dice.bits(k, Draw.DID_NAME_2);
        for (int c = 0; c < 12; c++) {
            sb.append(BASE32.charAt((int) (a & 31)));
            a >>>= 5;
        }
        for (int c = 0; c < 12; c++) {
            sb.append(BASE32.charAt((int) (b & 31)));
            b >>>= 5;
        }
        return sb.toString();
    }

    /** The clock id a DID's revisions carry (its PDS's, in the real network). */
    int clockId(int didIndex) {
        return dice.below(didIndex, Draw.CLOCK_ID, 1024);
    }

    public Skeleton skeleton(long i) {
        long t = timeline.timeUs(i);
        Event.Kind kind = kind(i);
        if (kind != Event.Kind.COMMIT) {
            return new Skeleton(i, t, kind, didIndex(i), null, -1, -1);
        }
        Event.Operation op = operation(i);
        if (op != Event.Operation.CREATE) {
            for (int attempt = 0; attempt < TARGET_ATTEMPTS; attempt++) {
                double u = dice.unit(i, Draw.TARGET + attempt);
                long j = i - 1 - (long) (TARGET_WINDOW * u * u);
                if (j >= 0 && isCreate(j)) {
                    return new Skeleton(i, t, kind, didIndex(j), op, collectionIndex(j), j);
                }
            }
        }
        return new Skeleton(i, t, kind, didIndex(i), Event.Operation.CREATE, collectionIndex(i), i);
    }

    private Event.Kind kind(long i) {
        double u = dice.unit(i, Draw.KIND);
        return u < 0.97 ? Event.Kind.COMMIT : u < 0.99 ? Event.Kind.IDENTITY : Event.Kind.ACCOUNT;
    }

    private Event.Operation operation(long i) {
        double u = dice.unit(i, Draw.OPERATION);
        return u < 0.75 ? Event.Operation.CREATE : u < 0.83 ? Event.Operation.UPDATE : Event.Operation.DELETE;
    }

    /** Whether event {@code j} was drawn as a create (so it is one, and an update or delete may target it). */
    private boolean isCreate(long j) {
        return kind(j) == Event.Kind.COMMIT && operation(j) == Event.Operation.CREATE;
    }

    private int didIndex(long i) {
        double u = dice.unit(i, Draw.DID);
        return (int) Math.min(dids - 1, (long) (dids * u * u * u));
    }

    private int collectionIndex(long i) {
        double u = dice.unit(i, Draw.COLLECTION) * cumulative[cumulative.length - 1];
        for (int k = 0; k < cumulative.length - 1; k++) {
            if (u < cumulative[k]) {
                return k;
            }
        }
        return cumulative.length - 1;
    }

    /** Event {@code i} with its {@code sizeBytes}: the length of the JSON the simulator sends for it. */
    public Event event(long i) {
        Event bare = bare(skeleton(i));
        return withSize(bare, EventJson.writeBytes(bare).length);
    }

    static Event withSize(Event e, int size) {
        return new Event(e.did(), e.timeUs(), e.kind(), e.commit(), e.identity(), e.account(), size);
    }

    /** The event a skeleton stands for, {@code sizeBytes} 0 (it is known once written). */
    public Event bare(Skeleton s) {
        String did = did(s.didIndex());
        long i = s.index();
        String time = Records.isoMillis(s.timeUs());
        return switch (s.kind()) {
            case IDENTITY -> Event.identity(did, s.timeUs(),
                    new Event.Identity(records.handle(s.didIndex(), i), SEQ_BASE + i, time), 0);
            case ACCOUNT -> {
                double u = dice.unit(i, Draw.ACCOUNT);
                boolean active = u < 0.8;
                String status = active ? null : STATUSES[(int) ((u - 0.8) / 0.2 * STATUSES.length)];
                yield Event.account(did, s.timeUs(), new Event.Account(active, status, SEQ_BASE + i, time), 0);
            }
            case COMMIT -> {
                int clock = clockId(s.didIndex());
                String rev = Tid.of(s.timeUs(), clock);
                String collection = collection(s.collection());
                String rkey = Tid.of(timeline.timeUs(s.target()), (clock + 1) & 0x3FF);
                Event.Commit c = s.operation() == Event.Operation.DELETE
                        ? new Event.Commit(rev, s.operation(), collection, rkey, null, null)
                        : new Event.Commit(rev, s.operation(), collection, rkey, records.cid(i),
                                records.record(collection, s));
                yield Event.commit(did, s.timeUs(), c, 0);
            }
        };
    }
}
