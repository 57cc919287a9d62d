package dev.sluice.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What Ctrl-C (SIGINT or SIGTERM) does during a run: stops the run and holds the JVM's exit until the run has
 * returned, for at most {@link #GRACE}, so what is in flight commits with its checkpoint and a resume loses nothing.
 *
 * <pre>{@code
 * try (GracefulStop stop = GracefulStop.install()) {
 *     result = engine.run(..., running -> stop.stopWith(running::stop));
 * }
 * }</pre>
 * {@link #close} (the run returned) releases a waiting hook and removes it.
 */
public final class GracefulStop implements AutoCloseable {
    /** How long the JVM's exit waits for the run to return after a stop. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final AtomicReference<Runnable> stop = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private GracefulStop() {
        hook = new Thread(() -> {
            Runnable s = stop.get();
            if (s != null) {
                s.run();
                try {
                    finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "sluice-stop");
    }

    /** Registers the shutdown hook; nothing is stopped until {@link #stopWith} names what to stop. */
    public static GracefulStop install() {
        GracefulStop s = new GracefulStop();
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** What a shutdown calls to stop the run (once it exists). */
    public void stopWith(Runnable stopRun) {
        stop.set(stopRun);
    }

    /** The run has returned: a hook that is waiting goes on, and a later shutdown does nothing. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // already stopping: the hook is running and has just been released
        }
    }
}
