package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The bench end to end on a tiny, fast scenario: correctness only (every run lands whole, the report's fields are
 * there and consistent, the plot is well-formed). No timing assertions: those are what the bench measures.
 */
class BenchBackfillCommandTest {
    private static final int OBJECTS = 1_500;
    private static final List<String> RESOURCES = List.of("customers", "charges", "invoices");

    @TempDir
    Path dir;

    @Test
    void tinyMatrixIsCompleteAndReported() throws Exception {
        Path json = dir.resolve("bench.json");
        Path svg = dir.resolve("bench.svg");
        int code = Main.run("bench", "backfill", "--profiles", "spikes,pileup", "--objects", String.valueOf(OBJECTS),
                "--rps", "2000", "--latency-ms", "0", "--json", json.toString(), "--plot", svg.toString());
        assertThat(code).isZero();

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("bench").asText()).isEqualTo("backfill");
        JsonNode machine = report.path("machine");
        assertThat(machine.path("cores").asInt()).isPositive();
        for (String field : List.of("memory_gb", "java", "os", "date")) {
            assertThat(machine.has(field)).as(field).isTrue();
        }
        assertThat(report.path("params").path("objects").asInt()).isEqualTo(OBJECTS);

        // objects split equally over the resources, the remainder to the first
        long pagesMin = 0;
        for (int i = 0; i < RESOURCES.size(); i++) {
            int n = OBJECTS / RESOURCES.size() + (i == 0 ? OBJECTS % RESOURCES.size() : 0);
            pagesMin += (n + 99) / 100;
        }
        JsonNode runs = report.path("runs");
        assertThat(runs.size()).isEqualTo(6);
        Map<String, Integer> perProfile = new HashMap<>();
        for (JsonNode run : runs) {
            String name = run.path("profile").asText() + "/" + run.path("planner").asText();
            perProfile.merge(run.path("profile").asText(), 1, Integer::sum);
            assertThat(run.path("complete").asBoolean()).as(name).isTrue();
            assertThat(run.path("pages_min").asLong()).as(name).isEqualTo(pagesMin);
            assertThat(run.path("requests").asLong()).as(name).isGreaterThanOrEqualTo(pagesMin);
            assertThat(run.path("seconds").asDouble()).as(name).isPositive();
            assertThat(run.path("bound_seconds").asDouble()).as(name).isEqualTo(pagesMin / 2000.0, within());
            assertThat(run.path("efficiency").asDouble()).as(name).isPositive();
            assertThat(run.path("wasted_requests").asLong()).as(name).isBetween(0L, run.path("requests").asLong());
            assertThat(run.path("http_429").asLong()).as(name).isZero();
            assertThat(run.path("max_requests_in_any_1s_window").asLong()).as(name).isPositive();
            assertThat(run.path("peak_heap_mb").asDouble()).as(name).isPositive();
        }
        assertThat(perProfile).containsOnlyKeys("spikes", "pileup").containsValues(3);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        NodeList panels = doc.getElementsByTagName("g");
        int panelCount = 0;
        for (int i = 0; i < panels.getLength(); i++) {
            Element g = (Element) panels.item(i);
            if (!g.getAttribute("class").equals("panel")) {
                continue;
            }
            panelCount++;
            NodeList lines = g.getElementsByTagName("polyline");
            assertThat(lines.getLength()).as(g.getAttribute("data-profile")).isEqualTo(3);
            for (int k = 0; k < lines.getLength(); k++) {
                assertThat(((Element) lines.item(k)).getAttribute("points")).isNotBlank();
            }
        }
        assertThat(panelCount).isEqualTo(2);
    }

    @Test
    void randomShapesAreRunAndSummarisedPerPlanner() throws Exception {
        Path json = dir.resolve("shapes.json");
        int code = Main.run("bench", "backfill", "--shapes", "random:2", "--seed", "3", "--objects", "1200",
                "--rps", "2000", "--latency-ms", "0", "--planners", "adaptive,fixed", "--no-warmup", "--json",
                json.toString());
        assertThat(code).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("params").path("profiles")).extracting(JsonNode::asText)
                .containsExactly("random:0", "random:1");
        JsonNode runs = report.path("runs");
        assertThat(runs.size()).isEqualTo(4);
        for (JsonNode run : runs) {
            assertThat(run.path("complete").asBoolean()).isTrue();
            assertThat(run.path("requests_per_pages_min").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(run.path("partial_pages").asLong()).isPositive();
            assertThat(run.path("segments").asLong()).isPositive();
        }
        for (String planner : List.of("adaptive", "fixed")) {
            JsonNode s = report.path("summary").path(planner);
            assertThat(s.path("runs").asInt()).isEqualTo(2);
            assertThat(s.path("efficiency_min").asDouble()).isPositive()
                    .isLessThanOrEqualTo(s.path("efficiency_median").asDouble());
        }
        assertThat(Main.run("bench", "backfill", "--shapes", "random:0")).isEqualTo(2);
        assertThat(Main.run("bench", "backfill", "--shapes", "spiky:3")).isEqualTo(2);
    }

    @Test
    void badFlagsAreNamed() {
        assertThat(Main.run("bench", "backfill", "--planners", "adaptive,greedy")).isEqualTo(2);
        assertThat(Main.run("bench", "backfill", "--profiles", "lumpy")).isEqualTo(2);
        assertThat(Main.run("bench", "backfill", "--objects", "0")).isEqualTo(2);
    }

    @Test
    void plannersRotateByProfile() {
        List<String> p = List.of("adaptive", "fixed", "sequential");
        assertThat(BackfillBench.rotated(p, 0)).containsExactly("adaptive", "fixed", "sequential");
        assertThat(BackfillBench.rotated(p, 1)).containsExactly("fixed", "sequential", "adaptive");
        assertThat(BackfillBench.rotated(p, 4)).containsExactly("fixed", "sequential", "adaptive");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-3);
    }
}
