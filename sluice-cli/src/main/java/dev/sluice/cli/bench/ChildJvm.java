package dev.sluice.cli.bench;

import dev.sluice.cli.IdlePriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process of the replay bench: a JVM running one of this build's main classes, apart from the bench's own JVM, so
 * that what it costs (CPU, memory) is its own and can be paused ({@code SIGSTOP}) without pausing the measurement.
 * Its stdout and stderr go to files in the bench's scratch directory.
 *
 * <p>{@link #target} is the process that does the work: the JVM itself, or, for a {@code sluice replay} at idle CPU
 * priority, the child it relaunched itself as ({@link IdlePriority}).
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private volatile long target;

    private ChildJvm(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <this classpath> <mainClass> <args>}; with {@code idle}, under
     * {@code setsid} and marked as {@link IdlePriority}'s child, whose {@link IdlePriority#applyHere} then puts its
     * threads under {@code SCHED_IDLE} (started at normal priority, the JVM is not starved of the CPU it needs to
     * start on a busy machine, which is not what is measured).
     */
    static ChildJvm start(Path dir, String name, List<String> jvmOptions, String mainClass, List<String> args,
                          Map<String, String> env, boolean idle) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (idle) {
            cmd.add("setsid");
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("SLUICE_LOG", "warn");
        if (idle) {
            pb.environment().put(IdlePriority.CHILD_MARK, "1");
        }
        return new ChildJvm(name, pb.start(), out, err);
    }

    /** The JVM this bench started. */
    long pid() {
        return process.pid();
    }

    /**
     * The process doing the work: the one {@code sluice replay} relaunched itself as, when {@code relaunches}, else
     * this JVM. Waits for the relaunch up to {@code atMost}.
     */
    long target(boolean relaunches, Duration atMost) throws InterruptedException {
        if (target != 0) {
            return target;
        }
        if (!relaunches) {
            return target = process.pid();
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Optional<ProcessHandle> child = process.toHandle().children().findFirst();
            if (child.isPresent()) {
                return target = child.get().pid();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(name + " did not relaunch itself at idle priority within " + atMost
                + "; its stderr: " + tail(err));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for it to end; its exit code, or fails naming its stderr if it did not end in time. */
    int await(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(name + " did not finish within " + atMost + "; its stderr: " + tail(err));
        }
        return process.exitValue();
    }

    /** Asks it to stop as Ctrl-C would (SIGTERM), and waits. */
    int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        return await(atMost);
    }

    String stdout() {
        return read(out);
    }

    String stderrTail() {
        return tail(err);
    }

    /** Waits until a line of its stdout starts with {@code prefix}; returns that line. */
    String awaitLine(String prefix, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : read(out).split("\n")) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not print \"" + prefix + "…\" within " + atMost
                + "; its stderr: " + tail(err));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path file) {
        String s = read(file).strip();
        return s.isEmpty() ? "(empty)" : s.length() > 2_000 ? "…" + s.substring(s.length() - 2_000) : s;
    }
}
