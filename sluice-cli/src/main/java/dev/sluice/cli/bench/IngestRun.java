package dev.sluice.cli.bench;

import java.util.Comparator;
import java.util.List;

/**
 * What one mode of one ingest scenario measured.
 *
 * @param scenario     {@code small} or {@code large}
 * @param mode         {@code limit}, {@code http}, {@code sluice} or {@code per-item}
 * @param items        items the run had to store
 * @param payloadBytes bytes of one item's payload
 * @param seconds      wall-clock time of the run (for {@code sluice}: batch create to the items answer)
 * @param limitRatio   items/s ÷ the {@code limit} mode's items/s in the same scenario; NaN when that is unknown
 * @param peakRssMb    the whole JVM's peak resident set during the run (see {@link RssMeter})
 * @param cpuSeconds   the CPU time the whole JVM used during the run, every thread, user and system (see
 *                     {@link CpuTime}); NaN when unknown
 * @param complete     every index 0..items-1 stored exactly once (and, when offloaded, every object there)
 * @param failure      why the run is not complete, or {@code null}
 * @param allSeconds   with {@code --repeat}, the wall times of every repetition of this mode, this run's among them
 *                     (it is their median); otherwise just {@code seconds}
 */
public record IngestRun(String scenario, String mode, long items, int payloadBytes, double seconds, double limitRatio,
        double peakRssMb, double cpuSeconds, boolean complete, String failure, List<Double> allSeconds) {

    public IngestRun {
        allSeconds = List.copyOf(allSeconds);
    }

    /** One run, not repeated. */
    public IngestRun(String scenario, String mode, long items, int payloadBytes, double seconds, double limitRatio,
            double peakRssMb, double cpuSeconds, boolean complete, String failure) {
        this(scenario, mode, items, payloadBytes, seconds, limitRatio, peakRssMb, cpuSeconds, complete, failure,
                List.of(seconds));
    }

    public double itemsPerSecond() {
        return seconds <= 0 ? 0 : items / seconds;
    }

    /** Payload megabytes (10^6 bytes) per second; NDJSON framing and row overhead are not counted. */
    public double mbPerSecond() {
        return seconds <= 0 ? 0 : (double) items * payloadBytes / 1e6 / seconds;
    }

    /** How many cores the run kept busy on average: CPU time ÷ wall time. */
    public double cores() {
        return seconds <= 0 ? Double.NaN : cpuSeconds / seconds;
    }

    IngestRun withLimitRatio(double ratio) {
        return new IngestRun(scenario, mode, items, payloadBytes, seconds, ratio, peakRssMb, cpuSeconds, complete,
                failure, allSeconds);
    }

    /**
     * The median of repetitions of one mode, by wall time (the upper middle one of an even count), carrying every
     * repetition's wall time; an incomplete repetition is returned instead, so a failure is never hidden.
     */
    static IngestRun median(List<IngestRun> repetitions) {
        if (repetitions.isEmpty()) {
            throw new IllegalArgumentException("no repetitions");
        }
        for (IngestRun r : repetitions) {
            if (!r.complete()) {
                return r;
            }
        }
        List<IngestRun> sorted = repetitions.stream().sorted(Comparator.comparingDouble(IngestRun::seconds))
                .toList();
        IngestRun m = sorted.get(sorted.size() / 2);
        return new IngestRun(m.scenario, m.mode, m.items, m.payloadBytes, m.seconds, m.limitRatio, m.peakRssMb,
                m.cpuSeconds, true, null, repetitions.stream().map(IngestRun::seconds).toList());
    }

    /** {@code scenario/mode}, how a run is named in messages. */
    public String name() {
        return scenario + "/" + mode;
    }
}
