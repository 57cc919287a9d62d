package dev.sluice.cli.bench;

import dev.sluice.cli.IdlePriority;
import dev.sluice.store.DatabaseUrl;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The replay's CPU twin: a process that burns as much CPU per second as a replay did and does nothing else, so that
 * the harm any work of that size does to the foreground on this machine can be measured beside the replay's own (the
 * floor under it). Two parts, each where the replay's CPU was spent and at its priority:
 * <ul>
 *   <li>{@code ownCores} in this JVM's threads, which run at the priority this process was started with (the bench
 *       starts it as it starts the replay: at idle priority for {@code background});</li>
 *   <li>{@code dbCores} in PostgreSQL backends of the bench's database, at the server's own priority, by a PL/pgSQL
 *       loop on connections named {@code sluice-twin} (so the bench counts their CPU as it counts the replay's).</li>
 * </ul>
 * Each thread or connection burns its share of every {@value #PERIOD_MS} ms period and sleeps the rest: the JVM's
 * threads by their own CPU time (a thread that is preempted burns on until it has had its share), the backends by
 * the wall clock (all the server shows). Runs until killed.
 *
 * <p>{@code java -cp sluice.jar dev.sluice.cli.bench.CpuTwin OWN_CORES DB_CORES [postgresql://…]}
 */
public final class CpuTwin {
    static final int PERIOD_MS = 20;
    /** A backend's period: longer, since each burn is a round trip to the server. */
    static final int DB_PERIOD_MS = 100;

    private CpuTwin() {}

    public static void main(String[] args) throws Exception {
        if (IdlePriority.isChild()) {
            IdlePriority.applyHere();
        }
        double own = Double.parseDouble(args[0]);
        double db = Double.parseDouble(args[1]);
        List<Thread> threads = new ArrayList<>();
        int n = (int) Math.ceil(own);
        for (int i = 0; i < n; i++) {
            double share = own / n;
            threads.add(Thread.ofPlatform().name("twin-" + i).start(() -> burnHere(share)));
        }
        int m = (int) Math.ceil(db);
        for (int i = 0; i < m; i++) {
            Connection c = connect(DatabaseUrl.parse(args[2]));
            double share = db / m;
            threads.add(Thread.ofPlatform().name("twin-db-" + i).start(() -> burnThere(c, share)));
        }
        System.out.printf(Locale.ROOT, "twin: %.3f cores here on %d threads, %.3f in the database on %d connections%n",
                own, n, db, m);
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Burns {@code share} of a core on this thread, by its CPU time, one period at a time. */
    private static void burnHere(double share) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long burnNanos = (long) (share * PERIOD_MS * 1_000_000L);
        long next = System.nanoTime();
        long sink = 0;
        while (true) {
            long until = mx.getCurrentThreadCpuTime() + burnNanos;
            while (mx.getCurrentThreadCpuTime() < until) {
                for (int k = 0; k < 2_000; k++) {
                    sink += k * 31L ^ sink;
                }
            }
            next += PERIOD_MS * 1_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                sleepNanos(sleep);
            } else {
                next = System.nanoTime(); // fell behind (preempted): no burst to catch up
            }
            if (sink == 42) {
                System.out.print(""); // keeps the loop from being optimised away
            }
        }
    }

    /** Burns {@code share} of a core in the connection's backend, one period at a time. */
    private static void burnThere(Connection c, double share) {
        double ms = share * DB_PERIOD_MS;
        long next = System.nanoTime();
        try (PreparedStatement burn = c.prepareStatement("SELECT pg_temp.sluice_burn(?)")) {
            burn.setDouble(1, ms);
            while (true) {
                burn.execute();
                next += DB_PERIOD_MS * 1_000_000L;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    sleepNanos(sleep);
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (SQLException e) {
            System.err.println("twin: the database part stopped: " + e.getMessage());
        }
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        Properties props = new Properties();
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", "sluice-twin");
        Connection c = java.sql.DriverManager.getConnection(url.jdbcUrl(), props);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION pg_temp.sluice_burn(ms float8) RETURNS void LANGUAGE plpgsql AS $$"
                    + " DECLARE t timestamptz := clock_timestamp(); BEGIN"
                    + " WHILE clock_timestamp() < t + ms * interval '1 millisecond' LOOP END LOOP; END $$");
        }
        return c;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
