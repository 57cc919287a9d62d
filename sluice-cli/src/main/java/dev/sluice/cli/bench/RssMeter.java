package dev.sluice.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peak resident set size of this whole JVM during one run, from {@code /proc/self/status}: at start the
 * kernel's high-water mark is reset (writing {@code 5} to {@code /proc/self/clear_refs}), a daemon thread samples
 * {@code VmRSS} every 20 ms, and at stop the peak is the larger of the samples and {@code VmHWM} (the exact peak
 * when the reset worked). Everything in the process counts: server, client, JDBC driver, JIT, GC headroom.
 * Off Linux it reports 0.
 */
final class RssMeter implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final boolean hwmReset;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long maxKb;

    private RssMeter() {
        boolean reset;
        try {
            Files.writeString(CLEAR_REFS, "5");
            reset = true;
        } catch (IOException | RuntimeException e) {
            reset = false;
        }
        this.hwmReset = reset;
        this.maxKb = read("VmRSS:");
        this.sampler = Thread.ofPlatform().daemon().name("bench-rss").start(() -> {
            while (running) {
                maxKb = Math.max(maxKb, read("VmRSS:"));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static RssMeter start() {
        return new RssMeter();
    }

    /** Stops sampling; returns the peak in MB (MiB, as the kernel counts kB). */
    double stopMb() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long peak = Math.max(maxKb, read("VmRSS:"));
        if (hwmReset) {
            peak = Math.max(peak, read("VmHWM:"));
        }
        return peak / 1024.0;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    private static long read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return 0;
    }
}
