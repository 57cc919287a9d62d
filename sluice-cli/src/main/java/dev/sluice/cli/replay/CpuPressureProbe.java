package dev.sluice.cli.replay;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A foreground probe with the host's CPU pressure beside each of its samples: Linux's PSI
 * ({@code /proc/pressure/cpu}, "some": the time during which at least one runnable task waited for a CPU), as the
 * share of the time since the previous sample. What a foreground on this host feels of CPU contention the moment it
 * begins, before its latency shows it; only worth reading when the database runs on this host ({@link #wrap}).
 *
 * <p>The waiting counted is anyone's, the replay's own included: a replay whose threads queue for the CPU is taking
 * more than is idle, which is what {@code background} must not do.
 */
final class CpuPressureProbe implements ForegroundProbe {
    static final Path PSI = Path.of("/proc/pressure/cpu");

    private final ForegroundProbe canary;
    private final Path psi;
    private final Clock clock;
    private long lastTotalUs = -1;
    private long lastAt;

    CpuPressureProbe(ForegroundProbe canary, Path psi, Clock clock) {
        this.canary = canary;
        this.psi = psi;
        this.clock = clock;
    }

    /**
     * {@code canary} with the host's CPU pressure, when the database at {@code db} is on this host and the kernel
     * has PSI; otherwise {@code canary} itself.
     */
    static ForegroundProbe wrap(ForegroundProbe canary, DatabaseUrl db, Clock clock) {
        if (!local(db) || readTotalUs(PSI).isEmpty()) {
            return canary;
        }
        return new CpuPressureProbe(canary, PSI, clock);
    }

    /** SQLite is always here; PostgreSQL when its host is a loopback name or address, or a socket directory. */
    static boolean local(DatabaseUrl db) {
        if (db.kind() == DatabaseUrl.Kind.SQLITE) {
            return true;
        }
        String host = db.hostPort().orElse("localhost").toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            host = host.substring(1, host.indexOf(']'));
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.isEmpty() || host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.startsWith("/");
    }

    @Override
    public ForegroundSample sample() throws Exception {
        ForegroundSample s = canary.sample();
        Optional<Long> total = readTotalUs(psi);
        long now = clock.nanoTime();
        double pressure = Double.NaN;
        if (total.isPresent()) {
            if (lastTotalUs >= 0 && now > lastAt) {
                pressure = Math.min(1.0, Math.max(0.0, (total.get() - lastTotalUs) * 1_000.0 / (now - lastAt)));
            }
            lastTotalUs = total.get();
            lastAt = now;
        }
        return s.withCpuPressure(pressure);
    }

    /** The "some" line's {@code total=} (µs of stall since boot), if the file can be read. */
    static Optional<Long> readTotalUs(Path psi) {
        try {
            for (String line : Files.readAllLines(psi)) {
                if (line.startsWith("some ")) {
                    int at = line.indexOf("total=");
                    if (at >= 0) {
                        return Optional.of(Long.parseLong(line.substring(at + 6).strip()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI here
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return canary.describe() + " and the host's CPU pressure";
    }

    @Override
    public void close() throws Exception {
        canary.close();
    }
}
