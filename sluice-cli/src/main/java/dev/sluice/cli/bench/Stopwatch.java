package dev.sluice.cli.bench;

/** Wall and CPU time of a measured run, from the moment it is made. */
record Stopwatch(long wallStart, long cpuStart) {

    /** A measured run: its batch ({@code null} when it made none), wall time and the JVM's CPU time. */
    record Timed(String batchId, double seconds, double cpuSeconds) {
    }

    static Stopwatch start() {
        return new Stopwatch(System.nanoTime(), CpuTime.processNanos());
    }

    Timed stop(String batchId) {
        return new Timed(batchId, (System.nanoTime() - wallStart) / 1e9, CpuTime.secondsSince(cpuStart));
    }
}
