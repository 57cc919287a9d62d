package dev.sluice.cli.replay;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foreground probe with the CPU pressure the rest of the host feels beside each of its samples: Linux's PSI
 * ({@code /proc/pressure/cpu}, "some": the time during which at least one runnable task waited for a CPU) as the
 * share of the time since the previous sample, <em>less the time this process's own threads waited</em> (their
 * run-queue wait, {@code /proc/self/task/<tid>/schedstat}, second field). What a foreground on this host feels of CPU
 * contention the moment it begins, before its latency shows it; only worth reading when the database runs on this
 * host ({@link #wrap}).
 *
 * <p>Why our own wait is taken out: PSI counts a waiting task of any priority. A replay at idle priority
 * ({@code SCHED_IDLE}, autogroup nice 19) that has work waits for a CPU whenever anything else runs — that is what
 * idle priority means — and its threads wait behind each other too; on the host's figure it breached its own
 * pressure budget by merely existing (see {@code RateLaw}). The foreground is not hurt by our waiting; it is hurt
 * when <em>it</em> waits.
 * Host stall minus our threads' summed wait is a lower bound on the time something else waited (two of our threads
 * waiting at once count twice, so it may under-count, never over-count); clamped at 0. The database's own cgroup
 * PSI would be the direct figure, but it needs cgroup v2 with the database in a group of its own, which neither this
 * machine nor a typical laptop has.
 */
final class CpuPressureProbe implements ForegroundProbe {
    static final Path PSI = Path.of("/proc/pressure/cpu");
    static final Path OWN_TASKS = Path.of("/proc/self/task");
    private static final Logger LOG = LoggerFactory.getLogger(CpuPressureProbe.class);
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final ForegroundProbe canary;
    private final Path psi;
    private final Path ownTasks;
    private final Clock clock;
    private long lastTotalUs = -1;
    private long lastAt;
    private Map<String, Long> lastOwnWait = Map.of();
    private long lastLogAt;

    CpuPressureProbe(ForegroundProbe canary, Path psi, Path ownTasks, Clock clock) {
        this.canary = canary;
        this.psi = psi;
        this.ownTasks = ownTasks;
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
        return new CpuPressureProbe(canary, PSI, OWN_TASKS, clock);
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
        Map<String, Long> ownWait = readWaitNs(ownTasks);
        long now = clock.nanoTime();
        double pressure = Double.NaN;
        if (total.isPresent()) {
            if (lastTotalUs >= 0 && now > lastAt) {
                double host = (total.get() - lastTotalUs) * 1_000.0 / (now - lastAt);
                double own = waitedSince(lastOwnWait, ownWait) / (double) (now - lastAt);
                pressure = Math.min(1.0, Math.max(0.0, host - own));
                if (now - lastLogAt >= LOG_EVERY_NANOS && LOG.isDebugEnabled()) {
                    lastLogAt = now;
                    LOG.debug(String.format(Locale.ROOT, "cpu pressure: host %.3f, our threads waited %.3f,"
                            + " others %.3f", Math.min(1.0, host), own, pressure));
                }
            }
            lastTotalUs = total.get();
            lastAt = now;
            lastOwnWait = ownWait;
        }
        return s.withCpuPressure(pressure);
    }

    /**
     * Nanoseconds our threads waited between two readings: a thread in both, its increase; a thread new since the
     * first, all its wait (it began within the interval). A thread that ended since loses its last part.
     */
    static long waitedSince(Map<String, Long> before, Map<String, Long> after) {
        long sum = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }

    /** Each thread's run-queue wait so far, in ns, by thread id; empty if the directory cannot be read. */
    static Map<String, Long> readWaitNs(Path tasks) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path t : list.toList()) {
                try {
                    String[] f = Files.readString(t.resolve("schedstat")).strip().split(" ");
                    out.put(t.getFileName().toString(), Long.parseLong(f[1]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended, or no schedstat in this kernel
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return out;
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
        return canary.describe() + " and the CPU pressure of the rest of the host";
    }

    @Override
    public void close() throws Exception {
        canary.close();
    }
}
