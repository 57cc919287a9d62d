package dev.sluice.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The replay bench's measurement of harm: the foreground's p99 in windows where a process runs, each paired with the
 * next window where it is paused ({@code SIGSTOP}), so that the machine's drift (other work, the host's steal) hits
 * both halves of a pair alike and the ratio of a pair sees the process's own effect. The median over pairs is robust
 * to a window that a hiccup spoiled; the spread of paused windows against each other says how large an effect the
 * noise alone makes.
 */
final class PairedWindows {
    /** What is measured: a process that can be paused, its CPU, and the events it has applied (or -1). */
    interface Subject {
        void pause();

        void resume();

        /** CPU nanoseconds of the process itself so far. */
        long ownCpuNanos();

        /** CPU nanoseconds of its database backends so far. */
        long backendCpuNanos();

        /** Events applied so far, or -1 when it applies none (a twin). */
        long events();

        /** Whether it has ended on its own (a replay that caught up). */
        boolean finished();
    }

    /**
     * One window.
     *
     * @param running         whether the subject ran in it
     * @param p50Ms           the foreground's median latency
     * @param p99Ms           the foreground's 99th percentile
     * @param transactions    foreground transactions in it
     * @param events          events the subject applied in it (-1 for none counted)
     * @param seconds         its length
     * @param ownCpuSeconds   CPU the subject used in it
     * @param backendCpuSeconds CPU its database backends used in it
     */
    record Window(boolean running, double p50Ms, double p99Ms, long transactions, long events, double seconds,
                  double ownCpuSeconds, double backendCpuSeconds) {}

    /** The windows in order (running, paused, running, …), and whether every pair asked for was measured. */
    record Result(List<Window> windows, boolean complete) {
        /** The median over pairs of running p99 ÷ paused p99; NaN with no pair. */
        double p99RatioMedian() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i + 1 < windows.size(); i += 2) {
                ratios.add(windows.get(i).p99Ms() / windows.get(i + 1).p99Ms());
            }
            return median(ratios);
        }

        /**
         * How far apart two paused windows in a row are: the median over consecutive paused windows of the larger
         * p99 ÷ the smaller. A paired ratio within this is not told apart from noise. NaN with fewer than two.
         */
        double idleSpread() {
            List<Window> paused = windows.stream().filter(w -> !w.running()).toList();
            List<Double> spreads = new ArrayList<>();
            for (int i = 0; i + 1 < paused.size(); i++) {
                double a = paused.get(i).p99Ms();
                double b = paused.get(i + 1).p99Ms();
                spreads.add(Math.max(a, b) / Math.min(a, b));
            }
            return median(spreads);
        }

        /** Events per second over the running windows only. */
        double eventsPerRunningSecond() {
            return sum(true, Window::events) / sum(true, Window::seconds);
        }

        /** Cores the subject used while running, and its backends. */
        double ownCores() {
            return sum(true, Window::ownCpuSeconds) / sum(true, Window::seconds);
        }

        double backendCores() {
            return sum(true, Window::backendCpuSeconds) / sum(true, Window::seconds);
        }

        /** Events counted in the running windows. */
        long runningEvents() {
            return (long) sum(true, Window::events);
        }

        private double sum(boolean running, java.util.function.ToDoubleFunction<Window> f) {
            return windows.stream().filter(w -> w.running() == running).mapToDouble(f).sum();
        }
    }

    private PairedWindows() {}

    /**
     * Measures {@code pairs} pairs of {@code seconds}-long windows, the subject running first in each (it must be
     * running when called); leaves it running. Stops early if the subject ends on its own; {@code log} hears each
     * window.
     */
    static Result measure(Subject subject, PgbenchLoad foreground, int pairs, int seconds, Consumer<String> log) {
        List<Window> windows = new ArrayList<>();
        boolean complete = true;
        for (int pair = 0; pair < pairs && complete; pair++) {
            for (boolean running : new boolean[] {true, false}) {
                if (running) {
                    subject.resume();
                } else {
                    subject.pause();
                }
                long ownBefore = subject.ownCpuNanos();
                long dbBefore = subject.backendCpuNanos();
                long eventsBefore = subject.events();
                long started = System.nanoTime();
                PgbenchLoad.Latencies fg = foreground.window(seconds);
                double wall = (System.nanoTime() - started) / 1e9;
                long events = eventsBefore < 0 ? -1 : subject.events() - eventsBefore;
                Window w = new Window(running, fg.percentileMs(50), fg.percentileMs(99), fg.count(), events, wall,
                        (subject.ownCpuNanos() - ownBefore) / 1e9, (subject.backendCpuNanos() - dbBefore) / 1e9);
                windows.add(w);
                log.accept(String.format(java.util.Locale.ROOT,
                        "  %s %d: fg p50 %.2f p99 %.2f ms (%d tx), %s, cpu %.2f + db %.2f cores",
                        running ? "running" : "paused ", pair + 1, w.p50Ms(), w.p99Ms(), w.transactions(),
                        events < 0 ? "–" : String.format(java.util.Locale.ROOT, "%,d events", events),
                        w.ownCpuSeconds() / wall, w.backendCpuSeconds() / wall));
                if (running && subject.finished()) {
                    complete = false; // it ended inside this window: the pair would not compare like with like
                    windows.remove(windows.size() - 1);
                    break;
                }
            }
        }
        subject.resume();
        return new Result(List.copyOf(windows), complete);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(double... values) {
        return median(Arrays.stream(values).boxed().toList());
    }
}
