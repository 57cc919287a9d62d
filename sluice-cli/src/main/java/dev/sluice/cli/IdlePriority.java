package dev.sluice.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command's CPU at idle priority on Linux, so that it takes only CPU nothing else wants: in a session of its own
 * ({@code setsid}: the user's terminal and shell keep their own scheduling group), that session's autogroup at nice
 * 19 ({@code /proc/self/autogroup}: the group weighs as little as the kernel allows against other groups), and every
 * thread under {@code SCHED_IDLE} ({@code chrt --idle 0}: a waking task of any other policy preempts it at once).
 *
 * <p>Measured on the 2-core machine of {@code docs/BENCHMARKS.md}, with {@code pgbench -R 200 -c 4} as the
 * foreground: two busy loops at normal priority in a session of their own raised its p99 from about 5 ms to 180 ms;
 * at the lowest CPU priority only to 11–13 ms. {@code nice} alone does little under the kernel's autogroups (it only
 * ranks a process against its own session), hence all three.
 *
 * <p>How: a session can only be made at a fork, and a JVM started from a shell leads its process group, so it cannot
 * call {@code setsid} itself. {@link #relaunch} therefore starts this same command line again as
 * {@code setsid chrt --idle 0 <java> <args>} with {@value #CHILD_MARK} set, forwards Ctrl-C to it and returns its
 * exit code; the child ({@link #applyHere}) sets its autogroup's nice, checks from {@code /proc} that it holds, and
 * stops gracefully if its parent dies (a {@code kill -9} of the command the user started must not leave it running).
 * Its JVM threads inherit {@code SCHED_IDLE} from the first.
 *
 * <p>Only a process entry may relaunch ({@link #allowRelaunch}, from {@code Main.main}); a command run inside another
 * JVM (the tests) is left as it is. Off Linux, or without {@code setsid}/{@code chrt}, it says so once and the
 * command runs at normal priority.
 */
public final class IdlePriority {
    /** Set in the relaunched child's environment. */
    public static final String CHILD_MARK = "SLUICE_IDLE_PRIORITY_CHILD";
    /** Linux's {@code SCHED_IDLE}, as {@code /proc/<pid>/stat} shows a thread's policy (field 41). */
    static final int SCHED_IDLE = 5;
    /** The weakest autogroup nice. */
    static final int IDLE_NICE = 19;

    private static final Logger LOG = LoggerFactory.getLogger(IdlePriority.class);
    private static final AtomicBoolean SAID_UNSUPPORTED = new AtomicBoolean();
    private static volatile boolean relaunchAllowed;

    private IdlePriority() {}

    /**
     * What {@code /proc} says about a process's CPU priority.
     *
     * @param sessionLeader whether it leads its own session (and so has an autogroup of its own)
     * @param autogroupNice its autogroup's nice, if the kernel has autogroups
     * @param threads       its threads
     * @param idleThreads   how many of them are under {@code SCHED_IDLE}
     */
    public record Reading(boolean sessionLeader, OptionalInt autogroupNice, int threads, int idleThreads) {
        /** All three in force: its own session, its autogroup at nice 19, every thread idle. */
        public boolean idle() {
            return sessionLeader && autogroupNice.orElse(IDLE_NICE) == IDLE_NICE && threads > 0
                    && idleThreads == threads;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "session leader %s, autogroup nice %s, %d of %d threads SCHED_IDLE",
                    sessionLeader, autogroupNice.isPresent() ? autogroupNice.getAsInt() : "n/a", idleThreads, threads);
        }
    }

    /** Lets {@link #relaunch} start a child: only the process entry calls this, never a command run in a test JVM. */
    public static void allowRelaunch() {
        relaunchAllowed = true;
    }

    /** Whether this process is the relaunched child. */
    public static boolean isChild() {
        return System.getenv(CHILD_MARK) != null;
    }

    /**
     * Whether {@link #relaunch} would start a child here: a process entry on Linux with {@code setsid} and {@code chrt}
     * on the PATH, not already the child. Says once why not, when it is not.
     */
    public static boolean canRelaunch() {
        if (isChild() || !relaunchAllowed) {
            return false;
        }
        String why = unsupported();
        if (why != null) {
            if (!SAID_UNSUPPORTED.getAndSet(true)) {
                System.err.println("sluice: --cpu-priority idle is not available (" + why
                        + "); running at normal CPU priority");
            }
            return false;
        }
        return true;
    }

    /** Why idle priority cannot be had here, or null when it can. */
    public static String unsupported() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux but " + System.getProperty("os.name");
        }
        for (String tool : List.of("setsid", "chrt")) {
            if (onPath(tool) == null) {
                return "no " + tool + " on the PATH (util-linux)";
            }
        }
        return null;
    }

    /**
     * Runs this process's command line again at idle priority and waits for it: the caller returns its exit code and
     * does nothing else. Ctrl-C (or SIGTERM) here is passed on as SIGTERM, which the child takes as its own Ctrl-C.
     * Unless this JVM was given a heap size, the child's heap is {@code heapBytes}: the JVM's own default, a quarter
     * of the machine's memory, lets a long replay's resident memory grow far past what it holds.
     */
    public static int relaunch(long heapBytes) throws IOException, InterruptedException {
        return relaunch(heapBytes, true);
    }

    /**
     * Whether {@link #relaunch(long, boolean) relaunch(heap, false)} would start a child here only to bound its heap:
     * a process entry on Linux (the command line comes from {@code /proc}), not already the child, whose JVM was
     * given no heap size.
     */
    public static boolean canRelaunchForHeap() {
        return relaunchAllowed && !isChild() && System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                .contains("linux") && !heapSizedBy(java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments());
    }

    /**
     * {@link #relaunch(long)}, at idle priority or, without {@code idle}, at this process's own priority and in its
     * session: then only the heap bound is the point.
     */
    public static int relaunch(long heapBytes, boolean idle) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(idle ? List.of(onPath("setsid").toString(), onPath("chrt").toString(),
                "--idle", "0") : List.of());
        List<String> self = commandLine();
        cmd.add(self.get(0));
        if (!heapSizedByUser()) {
            cmd.add("-Xmx" + Math.max(128, heapBytes >> 20) + "m"); // a bounded process, not a quarter of the RAM
        }
        cmd.addAll(self.subList(1, self.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(CHILD_MARK, "1");
        Process child = pb.start();
        Thread forward = new Thread(() -> {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the child's own shutdown hook stops its run gracefully
                try {
                    // At idle priority on a machine with no idle CPU, committing what it holds waits for a CPU:
                    // the user's command waits with it rather than return while the replay still runs.
                    if (!child.waitFor(GracefulStop.GRACE.toSeconds(), TimeUnit.SECONDS)) {
                        System.err.println("sluice: waiting for the replay (pid " + child.pid() + (idle
                                ? ", at idle CPU priority" : "") + ") to commit what it holds and stop");
                    }
                    Runtime.getRuntime().halt(child.waitFor());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "sluice-forward-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int code = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException shuttingDown) {
            // the hook is passing a stop on; it ends the JVM with the child's code
        }
        return code;
    }

    /**
     * In the relaunched child: sets the autogroup's nice to 19, puts any thread that is not yet idle under
     * {@code SCHED_IDLE}, arranges a graceful stop should the parent die, and returns what {@code /proc} then says.
     */
    public static Reading applyHere() {
        long pid = ProcessHandle.current().pid();
        try {
            Files.writeString(Path.of("/proc/self/autogroup"), Integer.toString(IDLE_NICE));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot set the autogroup's nice: {}", e.toString());
        }
        Reading r = read(pid);
        if (r.idleThreads() < r.threads()) {
            run(List.of(onPath("chrt").toString(), "--idle", "--all-tasks", "--pid", "0", Long.toString(pid)));
            r = read(pid);
        }
        stopWithParent();
        if (!r.idle()) {
            LOG.warn("idle CPU priority only partly applied: {}", r);
        } else {
            LOG.debug("idle CPU priority: {}", r);
        }
        return r;
    }

    /**
     * In a relaunched child: stops gracefully (as on Ctrl-C) should the parent die — a {@code kill -9} of the command
     * the user started must not leave the replay running.
     */
    public static void stopWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            LOG.warn("the process that started this replay ({}) is gone: stopping", parent.pid());
            System.exit(143);
        }));
    }

    /** Reads a process's session, autogroup nice and its threads' policies from {@code /proc}. */
    public static Reading read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        String[] stat = statFields(proc.resolve("stat"));
        boolean leader = stat.length > 3 && stat[3].equals(Long.toString(pid)); // field 6: session
        OptionalInt nice = OptionalInt.empty();
        try {
            String ag = Files.readString(proc.resolve("autogroup")).strip(); // "/autogroup-123 nice 19"
            int at = ag.lastIndexOf("nice ");
            if (at >= 0) {
                nice = OptionalInt.of(Integer.parseInt(ag.substring(at + 5).strip()));
            }
        } catch (IOException | RuntimeException e) {
            // no autogroups in this kernel
        }
        int threads = 0;
        int idle = 0;
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : tasks.toList()) {
                String[] f = statFields(task.resolve("stat"));
                if (f.length > 38) {
                    threads++;
                    if (f[38].equals(Integer.toString(SCHED_IDLE))) { // field 41: policy
                        idle++;
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return new Reading(leader, nice, threads, idle);
    }

    /** The fields of a {@code stat} file after {@code (comm)}, so field 3 (state) is at index 0; none if unreadable. */
    public static String[] statFields(Path stat) {
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).strip().split(" ");
        } catch (IOException | RuntimeException e) {
            return new String[0];
        }
    }

    /** Whether this JVM was started with a heap size of the user's ({@code -Xmx}, {@code -XX:MaxHeapSize}, …). */
    private static boolean heapSizedByUser() {
        return heapSizedBy(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** Whether JVM options give a heap size ({@code -Xmx}, {@code -XX:MaxHeapSize}, {@code -XX:MaxRAM…}). */
    public static boolean heapSizedBy(List<String> jvmOptions) {
        return jvmOptions.stream()
                .anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:MaxRAM"));
    }

    /** This JVM's own command line, from {@code /proc/self/cmdline}: the java binary, its options and the args. */
    private static List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        String all = new String(raw, StandardCharsets.UTF_8);
        if (all.endsWith("\0")) {
            all = all.substring(0, all.length() - 1);
        }
        List<String> args = new ArrayList<>(Arrays.asList(all.split("\0", -1)));
        // The binary as the kernel found it, in case argv[0] was a bare name resolved through a PATH we do not share.
        ProcessHandle.current().info().command().ifPresent(exe -> args.set(0, exe));
        return args;
    }

    private static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                LOG.debug("{} failed: {}", String.join(" ", cmd), out);
            }
        } catch (IOException e) {
            LOG.debug("cannot run {}: {}", cmd.get(0), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
