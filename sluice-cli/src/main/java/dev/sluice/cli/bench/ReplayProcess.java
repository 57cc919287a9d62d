package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.store.DatabaseUrl;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * One {@code sluice replay jetstream} of the replay bench, in a process of its own as a user would run it, watched
 * from outside: its CPU and its backends' ({@code /proc}), its peak resident memory, the events it has applied (its
 * checkpoint, mapped to the history's index), and paused or resumed with {@code SIGSTOP}/{@code SIGCONT}.
 *
 * <p>A sampler thread reads the figures every {@value #SAMPLE_MS} ms, so the last reading before the process ends
 * (and its backends close) is kept.
 */
final class ReplayProcess implements PairedWindows.Subject, AutoCloseable {
    static final int SAMPLE_MS = 200;

    private final ChildJvm jvm;
    private final long target;
    private final PgBackends backends;
    private final Connection watch;
    private final LongUnaryOperator indexOf;
    private final Thread sampler;
    private final long startedNanos = System.nanoTime();
    private volatile long ownCpu;
    private volatile long backendCpu;
    private volatile double peakRssMb;
    private volatile long serverCpu;
    private final long serverPid;
    private final long serverCpuAtStart;
    private volatile boolean stopping;

    private ReplayProcess(ChildJvm jvm, long target, DatabaseUrl db, LongUnaryOperator indexOf, long serverPid)
            throws SQLException {
        this.jvm = jvm;
        this.target = target;
        this.backends = new PgBackends(db, "sluice");
        this.watch = BenchDatabases.connect(db);
        this.indexOf = indexOf;
        this.serverPid = serverPid;
        this.serverCpuAtStart = ProcStat.cpuNanos(serverPid);
        this.sampler = Thread.ofPlatform().daemon().name("bench-replay-sampler").start(this::sample);
    }

    /**
     * Starts {@code sluice replay jetstream <args>} and waits until it has committed its first batch (a background
     * replay calibrates first).
     *
     * @param relaunches whether it runs at idle priority, so that the work happens in the child it relaunches
     * @param indexOf    the number of history events before a checkpoint
     * @param serverPid  the history server, whose CPU is counted over the run
     */
    static ReplayProcess start(Path dir, String name, List<String> jvmOptions, List<String> args, boolean relaunches,
                               DatabaseUrl db, LongUnaryOperator indexOf, long serverPid) throws Exception {
        List<String> all = new ArrayList<>(List.of("replay", "jetstream"));
        all.addAll(args);
        ChildJvm jvm = ChildJvm.start(dir, name, jvmOptions, "dev.sluice.cli.Main", all, Map.of(), false);
        try {
            long target = jvm.target(relaunches, Duration.ofSeconds(60));
            return new ReplayProcess(jvm, target, db, indexOf, serverPid);
        } catch (RuntimeException | SQLException | InterruptedException e) {
            jvm.close();
            throw e;
        }
    }

    /** Waits until the replay's first commit (or its end), up to {@code atMost}. */
    void awaitFirstCommit(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (checkpointUs() == Long.MIN_VALUE && jvm.alive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replay committed nothing within " + atMost + "; its stderr: "
                        + jvm.stderrTail());
            }
            Thread.sleep(100);
        }
    }

    private void sample() {
        while (!Thread.currentThread().isInterrupted()) {
            long cpu = ProcStat.cpuNanos(target) + (target == jvm.pid() ? 0 : ProcStat.cpuNanos(jvm.pid()));
            ownCpu = Math.max(ownCpu, cpu);
            backendCpu = backends.sample();
            peakRssMb = Math.max(peakRssMb, ProcStat.peakRssMb(target));
            serverCpu = ProcStat.cpuNanos(serverPid) - serverCpuAtStart;
            try {
                Thread.sleep(SAMPLE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void pause() {
        ProcStat.signal(target, "STOP");
    }

    @Override
    public void resume() {
        ProcStat.signal(target, "CONT");
    }

    @Override
    public long ownCpuNanos() {
        long cpu = ProcStat.cpuNanos(target);
        return cpu == 0 ? ownCpu : Math.max(ownCpu, cpu + (target == jvm.pid() ? 0 : ProcStat.cpuNanos(jvm.pid())));
    }

    @Override
    public long backendCpuNanos() {
        return backendCpu = backends.sample();
    }

    @Override
    public long events() {
        long cp = checkpointUs();
        return cp == Long.MIN_VALUE ? 0 : indexOf.applyAsLong(cp);
    }

    @Override
    public boolean finished() {
        return !jvm.alive();
    }

    /** The job's checkpoint, or {@link Long#MIN_VALUE} before the first commit. */
    long checkpointUs() {
        try (PreparedStatement ps = watch.prepareStatement("SELECT max(cursor_us) FROM replay_checkpoints"
                + " WHERE job = ?")) {
            ps.setString(1, ReplayBench.JOB);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? Long.MIN_VALUE : v;
                }
            }
        } catch (SQLException e) {
            // the table does not exist until the first commit
        }
        return Long.MIN_VALUE;
    }

    /** Waits for the replay to end; returns its {@code --json} summary. */
    JsonNode await(Duration atMost) throws Exception {
        int code = jvm.await(atMost);
        return summary(code);
    }

    /** Stops it as Ctrl-C would and waits; returns its summary. */
    JsonNode terminate() throws Exception {
        stopping = true;
        resume();
        int code = jvm.terminate(Duration.ofSeconds(60));
        return summary(code);
    }

    private JsonNode summary(int code) throws IOException {
        sampler.interrupt();
        String out = jvm.stdout().strip();
        if (out.isEmpty()) {
            throw new IllegalStateException("the replay exited with " + code + " and no summary; its stderr: "
                    + jvm.stderrTail());
        }
        if (code != 0 && !stopping) {
            throw new IllegalStateException("the replay exited with " + code + "; its stderr: " + jvm.stderrTail());
        }
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    }

    double peakRssMb() {
        return peakRssMb;
    }

    /** CPU seconds of the replay (both JVMs when it relaunched) and of its backends, since its start. */
    double cpuSeconds() {
        return ownCpu / 1e9;
    }

    double backendCpuSeconds() {
        return backendCpu / 1e9;
    }

    double serverCpuSeconds() {
        return serverCpu / 1e9;
    }

    double wallSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    @Override
    public void close() {
        sampler.interrupt();
        jvm.close();
        backends.close();
        try {
            watch.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
