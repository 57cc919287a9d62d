package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.replay.CpuPriority;
import dev.sluice.cli.replay.ReplayRun;
import dev.sluice.limit.RetryWindow;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.replay.run.ReplayConfig;
import dev.sluice.replay.run.ReplayResult;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import dev.sluice.source.jetstream.JetstreamEventSource;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcReplaySink;
import dev.sluice.store.ReplayTables;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One part of the replay's pipeline alone, in a process of its own, for the bound of {@code sluice bench replay}:
 * <ul>
 *   <li>{@code source URL FROM_US UNTIL_US}: read and decode the history from the simulator over the WebSocket,
 *       discarding every event;</li>
 *   <li>{@code sink DB EVENTS HOURS DIDS SEED START_US}: the same history made in memory first (not timed), then
 *       applied by the replay engine in {@code fast} mode, as a replay would but with no source to wait on;</li>
 *   <li>{@code copy DB EVENTS HOURS DIDS SEED START_US}: the rows the history folds to, loaded with one
 *       {@code COPY}: what the database takes when nothing is compared.</li>
 * </ul>
 * Prints one JSON object: {@code events} (of the history), {@code seconds}, {@code cpu_seconds} (this process, over
 * the timed part only) and, for the database parts, {@code db_cpu_seconds} (its backends).
 */
public final class BoundPart {
    private BoundPart() {}

    public static void main(String[] args) throws Exception {
        ObjectNode out = switch (args[0]) {
            case "source" -> source(URI.create(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "sink", "copy" -> database(args[0], DatabaseUrl.parse(args[1]), JetstreamSimConfig.builder().port(0)
                    .events(Long.parseLong(args[2])).hours(Integer.parseInt(args[3])).dids(Integer.parseInt(args[4]))
                    .seed(Long.parseLong(args[5])).startUs(Long.parseLong(args[6]))
                    .retention(Duration.ofHours(2L * Integer.parseInt(args[3]))).build());
            default -> throw new IllegalArgumentException("part must be source, sink or copy, was " + args[0]);
        };
        System.out.println(new ObjectMapper().writeValueAsString(out));
    }

    private static ObjectNode source(URI url, long fromUs, long untilUs) throws Exception {
        JetstreamEventSource source = new JetstreamEventSource(url, 4L << 20);
        long events = 0;
        long cpu = CpuTime.processNanos();
        long started = System.nanoTime();
        try (EventStream s = source.open(Subscription.from(fromUs))) {
            while (true) {
                Event e = s.next(Duration.ofSeconds(30));
                if (e == null) {
                    throw new IllegalStateException("the source went quiet after " + events + " events");
                }
                if (e.timeUs() >= untilUs) {
                    break;
                }
                events++;
            }
        }
        return result(events, started, cpu, 0);
    }

    private static ObjectNode database(String part, DatabaseUrl db, JetstreamSimConfig config) throws Exception {
        List<Event> history = new ArrayList<>((int) config.events());
        try (JetstreamSimulator sim = JetstreamSimulator.start(config)) {
            for (long i = 0; i < config.events(); i++) {
                history.add(sim.event(i));
            }
        }
        List<Event> rows = part.equals("copy") ? ReplayTables.finalRows(history) : List.of();
        System.gc(); // what making the history left behind is not collected during the timed part
        try (PgBackends backends = new PgBackends(db, "sluice")) {
            long cpu = CpuTime.processNanos();
            long started = System.nanoTime();
            if (part.equals("copy")) {
                try (Database d = Database.open(db)) {
                    new JdbcReplaySink(d, Clock.system()).copyLimit(rows);
                    backends.sample(); // before the pool closes and its backend goes
                }
            } else {
                apply(db, history, backends);
            }
            return result(history.size(), started, cpu, backends.sample());
        }
    }

    /** The engine in fast mode over the history in memory; samples the backends while it runs. */
    private static void apply(DatabaseUrl db, List<Event> history, PgBackends backends) throws Exception {
        long until = history.get(history.size() - 1).timeUs() + 1;
        ReplayConfig rc = ReplayConfig.builder().job(ReplayBench.JOB).subscription(Subscription.from(
                history.get(0).timeUs())).untilUs(OptionalLong.of(until)).restart(true).build();
        ReplayRun.Plan plan = new ReplayRun.Plan(db, GovernorConfig.builder().mode(Mode.FAST).build(), rc, null,
                CpuPriority.NORMAL, RetryWindow.Config.ofDefaults().retryFor());
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                backends.sample();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            ReplayResult r = ReplayRun.run(plan, new MemorySource(history), Clock.system(), replay -> {
                // the sampler thread watches the backends meanwhile
            });
            if (r.stats().received() != history.size()) {
                throw new IllegalStateException("the sink part applied " + r.stats().received() + " of "
                        + history.size() + " events");
            }
        } finally {
            sampler.interrupt();
        }
    }

    private static ObjectNode result(long events, long started, long cpuBefore, long dbCpuNanos) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("events", events);
        o.put("seconds", (System.nanoTime() - started) / 1e9);
        o.put("cpu_seconds", CpuTime.secondsSince(cpuBefore));
        o.put("db_cpu_seconds", dbCpuNanos / 1e9);
        return o;
    }

    /** The history in memory, to its end: the sink's part without a socket or a decoder in front of it. */
    private record MemorySource(List<Event> events) implements EventSource {
        @Override
        public EventStream open(Subscription sub) {
            return new EventStream() {
                private int next;

                @Override
                public Event next(Duration timeout) throws EndOfStream {
                    if (next == events.size()) {
                        throw new EndOfStream("end of the history");
                    }
                    return events.get(next++);
                }

                @Override
                public long bufferedBytes() {
                    return 0;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public String describe() {
            return "the history in memory";
        }
    }
}
