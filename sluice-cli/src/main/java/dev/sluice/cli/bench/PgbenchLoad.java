package dev.sluice.cli.bench;

import dev.sluice.cli.CommandFailure;
import dev.sluice.store.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The foreground traffic of {@code sluice bench replay}: PostgreSQL's own {@code pgbench} (TPC-B-like transactions
 * on its {@code pgbench_*} tables, in the same database Sluice writes to) at a fixed rate, with every transaction's
 * latency logged ({@code -l}). Under {@code --rate} pgbench measures latency from each transaction's scheduled
 * start, so a stalled server shows up as latency, not as fewer transactions.
 *
 * <p>A measurement runs pgbench in back-to-back chunks of a few seconds until it is stopped, so it ends when the
 * thing measured ends and every chunk's log is complete (a killed pgbench may not flush its log).
 */
final class PgbenchLoad {
    private static final int CHUNK_SECONDS = 5;

    private final DatabaseUrl db;
    private final double rate;
    private final int clients;
    private final Path logDir;

    PgbenchLoad(DatabaseUrl db, double rate, int clients, Path logDir) {
        if (db.kind() != DatabaseUrl.Kind.POSTGRESQL) {
            throw CommandFailure.usage("--db: the replay benchmark needs PostgreSQL (pgbench is its foreground), was " + db);
        }
        this.db = db;
        this.rate = rate;
        this.clients = clients;
        this.logDir = logDir;
    }

    /** Creates pgbench's tables at {@code scale} (replacing earlier ones), so every run starts from the same data. */
    void initialise(int scale) {
        pgbench(List.of("-i", "-q", "-s", Integer.toString(scale)), 600, "pgbench -i");
    }

    /** Runs the foreground until {@code whileRunning} returns; returns every transaction's latency in µs. */
    Latencies measure(ThrowingRunnable whileRunning) throws Exception {
        Chunks chunks = new Chunks();
        Thread t = Thread.ofPlatform().name("pgbench").start(chunks);
        try {
            whileRunning.run();
        } finally {
            chunks.stop = true;
            t.join();
        }
        if (chunks.failure != null) {
            throw chunks.failure;
        }
        return new Latencies(chunks.latencies.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    /** Runs the foreground alone for {@code seconds}: the idle baseline. */
    Latencies idle(int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        return measure(() -> {
            while (System.nanoTime() < until) {
                Thread.sleep(100);
            }
        });
    }

    /**
     * One window of the foreground: a single pgbench run of {@code seconds}; returns its transactions' latencies. Its
     * clients connect at its start, so a window begins with a few milliseconds of connecting, in every window alike.
     */
    Latencies window(int seconds) {
        Path prefix = logDir.resolve("window" + System.nanoTime());
        pgbenchRun(seconds, prefix);
        List<Long> latencies = new ArrayList<>();
        collect(prefix, latencies);
        return new Latencies(latencies.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Sorted transaction latencies. */
    record Latencies(long[] micros) {
        double percentileMs(double p) {
            if (micros.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(micros.length - 1, Math.ceil(p / 100.0 * micros.length) - 1);
            return micros[Math.max(0, i)] / 1000.0;
        }

        int count() {
            return micros.length;
        }
    }

    private final class Chunks implements Runnable {
        final List<Long> latencies = new ArrayList<>();
        volatile boolean stop;
        RuntimeException failure;

        @Override
        public void run() {
            int chunk = 0;
            try {
                while (!stop) {
                    Path prefix = logDir.resolve("chunk" + (chunk++));
                    pgbenchRun(CHUNK_SECONDS, prefix);
                    collect(prefix, latencies);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /** One fixed-rate pgbench run of {@code seconds}, logging every transaction under {@code prefix}. */
    private void pgbenchRun(int seconds, Path prefix) {
        pgbench(List.of("-n", "-R", Double.toString(rate), "-c", Integer.toString(clients), "-j", "1",
                "-T", Integer.toString(seconds), "-l", "--log-prefix=" + prefix), seconds + 120, "pgbench");
    }

    /** Reads (and deletes) the per-transaction logs pgbench wrote under {@code prefix} into {@code latencies}. */
    private void collect(Path prefix, List<Long> latencies) {
        String name = prefix.getFileName().toString() + ".";
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(name)).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] fields = line.split(" ");
                    if (fields.length >= 3 && !fields[2].equals("skipped")) {
                        latencies.add(Long.parseLong(fields[2]));
                    }
                }
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading pgbench's log in " + logDir, e);
        }
    }

    private void pgbench(List<String> args, int timeoutSeconds, String what) {
        List<String> cmd = new ArrayList<>(List.of("pgbench"));
        String hostPort = db.hostPort().orElse("127.0.0.1");
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon > 0 && !hostPort.endsWith("]");
        cmd.addAll(List.of("-h", hasPort ? hostPort.substring(0, colon) : hostPort));
        if (hasPort) {
            cmd.addAll(List.of("-p", hostPort.substring(colon + 1)));
        }
        db.user().ifPresent(u -> cmd.addAll(List.of("-U", u)));
        cmd.addAll(args);
        cmd.add(db.database().orElseThrow());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        db.password().ifPresent(p -> env.put("PGPASSWORD", p));
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw CommandFailure.runFailed(what + " did not finish within " + timeoutSeconds + " s", null);
            }
            if (p.exitValue() != 0) {
                throw CommandFailure.runFailed(what + " failed (exit " + p.exitValue() + ") against " + db + ": "
                        + new String(out).strip(), null);
            }
        } catch (IOException e) {
            throw CommandFailure.cannotStart("could not run pgbench (" + e.getMessage() + "); the replay benchmark"
                    + " needs PostgreSQL's pgbench on the PATH (Debian: apt install postgresql-client)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.runFailed(what + " was interrupted", e);
        }
    }

}
