package dev.sluice.cli.sim;

import dev.sluice.cli.Converters;
import dev.sluice.cli.FreePort;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice sim jetstream}: a Jetstream-compatible firehose on a local port, until Ctrl-C. */
@Command(name = "jetstream", mixinStandardHelpOptions = true,
        description = {"Serve a Bluesky Jetstream-compatible firehose: WebSocket GET /subscribe?wantedCollections=…"
                + "&wantedDids=…&cursor=<unix µs>. --events of history over the --hours before start, then a live "
                + "tail of --rate events/s. Delivery is only as fast as the client reads."})
public final class SimJetstreamCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "6008", description = "Port on 127.0.0.1 (0 picks one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--events", defaultValue = "100000", description = "Events of history before the start. Default: ${DEFAULT-VALUE}.")
    long events;

    @Option(names = "--hours", defaultValue = "24", description = "How far back the history reaches. Default: ${DEFAULT-VALUE}.")
    int hours;

    @Option(names = "--dids", defaultValue = "10000", description = "Repositories the events come from. Default: ${DEFAULT-VALUE}.")
    int dids;

    @Option(names = "--seed", defaultValue = "1", description = "The same seed serves the same events. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--rate", defaultValue = "1000", description = "Live events per second after the start. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--retention", converter = Converters.DurationConverter.class,
            description = "How far back a cursor may reach (like 36h); older cursors are clamped to the oldest event. "
                    + "Default: --hours.")
    Duration retention;

    @Option(names = "--drop-after", defaultValue = "0",
            description = "Cut each subscriber's connection, with no close frame, after this many events (0: never). "
                    + "For trying a client's reconnection. Default: ${DEFAULT-VALUE}.")
    long dropAfter;

    @Option(names = "--start-us", paramLabel = "µs",
            description = "Where history ends and the live tail begins, in unix µs. Default: now. Two simulators with "
                    + "the same flags and start serve the same events.")
    Long startUs;

    @Option(names = "--prerender",
            description = "Render the history's frames once at start and serve them from memory (they take their "
                    + "size in heap): serving then costs little CPU, as a benchmark's source should.")
    boolean prerender;

    @Override
    public Integer call() throws Exception {
        JetstreamSimConfig.Builder b = JetstreamSimConfig.builder().port(port).events(events).hours(hours).dids(dids)
                .seed(seed).rate(rate).dropAfter(dropAfter).prerender(prerender);
        if (retention != null) {
            b.retention(retention);
        }
        if (startUs != null) {
            b.startUs(startUs);
        }
        JetstreamSimConfig config = b.build();
        CountDownLatch stopped = new CountDownLatch(1);
        FreePort.check("--port", "127.0.0.1", port);
        try (JetstreamSimulator sim = JetstreamSimulator.start(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.println("Jetstream simulator listening on " + sim.uri() + "; Ctrl-C stops it.");
            System.out.printf("  history: %,d events over %d h (oldest cursor %d), then %s events/s live%n",
                    config.events(), config.hours(), sim.oldestUs(), rate == Math.rint(rate)
                            ? String.format("%,d", (long) rate) : Double.toString(rate));
            System.out.printf("  try: sluice replay jetstream --url %s --since %dh%n", sim.uri(), config.hours());
            System.out.flush();
            stopped.await();
        }
        return 0;
    }
}
