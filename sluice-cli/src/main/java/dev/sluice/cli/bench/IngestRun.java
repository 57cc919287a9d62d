package dev.sluice.cli.bench;

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
 */
public record IngestRun(String scenario, String mode, long items, int payloadBytes, double seconds, double limitRatio,
        double peakRssMb, double cpuSeconds, boolean complete, String failure) {

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
                failure);
    }

    /** {@code scenario/mode}, how a run is named in messages. */
    public String name() {
        return scenario + "/" + mode;
    }
}
