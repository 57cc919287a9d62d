package dev.sluice.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws requests per second over time as a standalone SVG: one panel per profile (stacked), one line per planner,
 * the rate limit as a dashed line, axes with ticks and labels, and a legend. Written by hand so the CLI needs no
 * charting library; the output is plain SVG 1.1 that browsers and GitHub render.
 */
public final class SvgPlot {
    private static final int WIDTH = 900;
    private static final int PANEL_HEIGHT = 240;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int PANEL_TOP = 30;
    private static final int PANEL_BOTTOM = 45;
    private static final List<String> COLORS = List.of("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
            "#8c564b");

    private SvgPlot() {
    }

    /**
     * The chart of {@code runs}, in panels by profile in first-seen order.
     *
     * @param rateLimit the simulator's enforced limit, drawn dashed
     * @param title     the chart's heading
     */
    public static String render(List<BenchRun> runs, double rateLimit, String title) {
        Map<String, List<BenchRun>> byProfile = new LinkedHashMap<>();
        List<String> planners = new ArrayList<>();
        for (BenchRun r : runs) {
            byProfile.computeIfAbsent(r.profile(), k -> new ArrayList<>()).add(r);
            if (!planners.contains(r.planner())) {
                planners.add(r.planner());
            }
        }
        int height = TOP + byProfile.size() * (PANEL_TOP + PANEL_HEIGHT + PANEL_BOTTOM) + 10;
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        legend(s, planners);
        int top = TOP;
        for (Map.Entry<String, List<BenchRun>> e : byProfile.entrySet()) {
            panel(s, e.getKey(), e.getValue(), planners, rateLimit, top + PANEL_TOP);
            top += PANEL_TOP + PANEL_HEIGHT + PANEL_BOTTOM;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void legend(StringBuilder s, List<String> planners) {
        // On its own line under the title, so a long title never runs into it.
        int x = LEFT;
        s.append("<g class=\"legend\" transform=\"translate(0,20)\">\n");
        for (int i = 0; i < planners.size(); i++) {
            int lx = x + 140 * i;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"18\" x2=\"%d\" y2=\"18\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/><text x=\"%d\" y=\"22\">%s</text>%n", lx, lx + 24, color(i), lx + 30,
                    escape(planners.get(i))));
        }
        int lx = x + 140 * planners.size();
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"18\" x2=\"%d\" y2=\"18\" stroke=\"#555\" "
                + "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/><text x=\"%d\" y=\"22\">rate limit</text>%n",
                lx, lx + 24, lx + 30));
        s.append("</g>\n");
    }

    private static void panel(StringBuilder s, String profile, List<BenchRun> runs, List<String> planners,
            double rateLimit, int y0) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        int maxSeconds = 1;
        int maxCount = 1;
        for (BenchRun r : runs) {
            maxSeconds = Math.max(maxSeconds, r.requestsPerSecond().size());
            for (int c : r.requestsPerSecond()) {
                maxCount = Math.max(maxCount, c);
            }
        }
        double xStep = niceStep(maxSeconds, 10);
        double xMax = Math.ceil(maxSeconds / xStep) * xStep;
        double yStep = niceStep(Math.max(maxCount, rateLimit) * 1.1, 5);
        double yMax = Math.ceil(Math.max(maxCount, rateLimit) * 1.1 / yStep) * yStep;
        int y1 = y0 + PANEL_HEIGHT;

        s.append(String.format(Locale.ROOT, "<g class=\"panel\" data-profile=\"%s\">%n", escape(profile)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                LEFT, y0 - 10, escape(profile)));
        // grid, ticks and labels
        for (double v = 0; v <= yMax + 1e-9; v += yStep) {
            double y = y1 - v / yMax * PANEL_HEIGHT;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                    + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, y, LEFT + plotWidth, y, LEFT - 5, y, LEFT, y, LEFT - 8, y + 4, label(v)));
        }
        for (double v = 0; v <= xMax + 1e-9; v += xStep) {
            double x = LEFT + v / xMax * plotWidth;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, y1, x, y1 + 5, x, y1 + 18, label(v)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, y0, LEFT, y1, LEFT, y1, LEFT + plotWidth, y1));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the run "
                + "started</text>%n", LEFT + plotWidth / 2, y1 + 36));
        s.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 18 %d)\">requests/s</text>%n", y0 + PANEL_HEIGHT / 2, y0 + PANEL_HEIGHT / 2));
        // the rate limit
        double ly = y1 - rateLimit / yMax * PANEL_HEIGHT;
        s.append(String.format(Locale.ROOT, "<line class=\"rate-limit\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                + "stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>%n", LEFT, ly, LEFT + plotWidth, ly));
        // one line per planner: each point at the middle of its one-second bucket
        for (BenchRun r : runs) {
            StringBuilder points = new StringBuilder();
            List<Integer> counts = r.requestsPerSecond();
            for (int i = 0; i < counts.size(); i++) {
                double x = LEFT + (i + 0.5) / xMax * plotWidth;
                double y = y1 - counts.get(i) / yMax * PANEL_HEIGHT;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(Locale.ROOT, "<polyline data-planner=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"1.8\" points=\"%s\"/>%n", escape(r.planner()),
                    color(planners.indexOf(r.planner())), points.toString().trim()));
        }
        s.append("</g>\n");
    }

    /** A step of 1, 2 or 5 × 10^k that cuts {@code max} into about {@code ticks} parts. */
    static double niceStep(double max, int ticks) {
        double raw = Math.max(max, 1e-9) / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / magnitude;
        double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
        return Math.max(nice * magnitude, 1); // whole seconds and whole requests
    }

    private static String label(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String color(int i) {
        return COLORS.get(Math.floorMod(i, COLORS.size()));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
