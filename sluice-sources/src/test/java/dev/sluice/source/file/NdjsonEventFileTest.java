package dev.sluice.source.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonEventFileTest {
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Subscription ALL = new Subscription(OptionalLong.empty(), Set.of(), Set.of());
    private static final String POST = "app.bsky.feed.post";
    private static final String LIKE = "app.bsky.feed.like";

    @TempDir
    Path dir;

    @Test
    void returnsEveryEventInFileOrderThenEndOfStream() throws Exception {
        List<Event> events = List.of(post("did:plc:a", 30, "r1"), post("did:plc:b", 10, "r2"),
                identity("did:plc:a", 20), account("did:plc:c", 40), delete("did:plc:b", 50, "r2"));
        Path file = write("events.ndjson", lines(events));
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            assertThat(readAll(stream)).map(EventJson::write).containsExactlyElementsOf(lines(events));
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(EventStream.EndOfStream.class);
        }
    }

    @Test
    void skipsEventsBeforeTheCursorWhereverTheyAreInTheFile() throws Exception {
        List<Event> events = List.of(post("did:plc:a", 10, "r1"), post("did:plc:a", 20, "r2"),
                post("did:plc:a", 30, "r3"), post("did:plc:a", 15, "late"), identity("did:plc:a", 25));
        Path file = write("events.ndjson", lines(events));
        try (EventStream stream = new NdjsonEventFile(file).open(Subscription.from(20))) {
            assertThat(readAll(stream)).extracting(Event::timeUs).containsExactly(20L, 30L, 25L);
        }
    }

    @Test
    void appliesTheSubscriptionsFiltersIdentityAndAccountPassingAnyCollection() throws Exception {
        List<Event> events = List.of(post("did:plc:a", 1, "r1"), like("did:plc:a", 2, "l1"), post("did:plc:b", 3, "r2"),
                identity("did:plc:a", 4), account("did:plc:b", 5), account("did:plc:a", 6));
        Path file = write("events.ndjson", lines(events));
        var wanted = new Subscription(OptionalLong.of(0), Set.of(POST), Set.of("did:plc:a"));
        try (EventStream stream = new NdjsonEventFile(file).open(wanted)) {
            assertThat(readAll(stream)).extracting(Event::timeUs).containsExactly(1L, 4L, 6L);
        }
        var byCollection = new Subscription(OptionalLong.empty(), Set.of(LIKE), Set.of());
        try (EventStream stream = new NdjsonEventFile(file).open(byCollection)) {
            assertThat(readAll(stream)).extracting(Event::timeUs).containsExactly(2L, 4L, 5L, 6L);
        }
    }

    @Test
    void blankLinesCrlfAndUnknownKindsAreSkipped() throws Exception {
        String first = EventJson.write(post("did:plc:a", 1, "r1"));
        String second = EventJson.write(post("did:plc:a", 2, "r2"));
        String text = "\n" + first + "\r\n  \t\n{\"did\":\"did:plc:a\",\"time_us\":3,\"kind\":\"sync\",\"sync\":{}}\n"
                + second;
        try (EventStream stream = new NdjsonEventFile(write("events.ndjson", text)).open(ALL)) {
            assertThat(readAll(stream)).extracting(Event::timeUs).containsExactly(1L, 2L);
        }
    }

    @Test
    void anEmptyFileEndsAtOnce() throws Exception {
        try (EventStream stream = new NdjsonEventFile(write("empty.ndjson", "")).open(ALL)) {
            assertThat(stream.bufferedBytes()).isZero();
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(EventStream.EndOfStream.class)
                    .hasMessageContaining("empty.ndjson");
        }
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.ndjson");
        assertThatThrownBy(() -> new NdjsonEventFile(missing).open(ALL)).isInstanceOf(IOException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void aFieldOfTheWrongTypeNamesTheFileTheLineAndTheField() throws Exception {
        List<String> lines = new ArrayList<>(lines(List.of(post("did:plc:a", 1, "r1"), post("did:plc:a", 2, "r2"))));
        lines.add("");
        lines.add("{\"did\":\"did:plc:a\",\"time_us\":3,\"kind\":\"commit\",\"commit\":{\"rev\":5,\"operation\":\"create\","
                + "\"collection\":\"" + POST + "\",\"rkey\":\"r3\",\"record\":{}}}");
        lines.add(EventJson.write(post("did:plc:a", 4, "r4")));
        Path file = write("events.ndjson", String.join("\n", lines));
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            assertThat(stream.next(WAIT).timeUs()).isEqualTo(1);
            assertThat(stream.next(WAIT).timeUs()).isEqualTo(2);
            String expected = file + " line 4: \"commit.rev\" must be a string";
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(EventStream.EndOfStream.class).hasMessage(expected);
            // The stream does not go on past a bad line.
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class).hasMessage(expected);
        }
    }

    @Test
    void aMissingFieldNamesTheLine() throws Exception {
        String line = "{\"did\":\"did:plc:a\",\"kind\":\"identity\",\"identity\":{\"seq\":1,\"time\":\"t\"}}";
        Path file = write("events.ndjson", EventJson.write(post("did:plc:a", 1, "r1")) + "\n" + line + "\n");
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            stream.next(WAIT);
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class)
                    .hasMessage(file + " line 2: event of did:plc:a has no \"time_us\"");
        }
    }

    @Test
    void badJsonNamesTheLine() throws Exception {
        Path file = write("events.ndjson", "\n\n{\"did\": \"did:plc:a\", \"time_us\": 1,,}\n");
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(file + " line 3: event is not valid JSON: ");
        }
    }

    @Test
    void badUtf8NamesTheLineAndTheByte() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((EventJson.write(post("did:plc:a", 1, "r1")) + "\n").getBytes(UTF_8));
        bytes.writeBytes("{\"did\":\"did:plc:".getBytes(UTF_8));
        bytes.write(0xC3); // a lead byte followed by ASCII: not UTF-8
        bytes.writeBytes("x\",\"time_us\":2,\"kind\":\"identity\",\"identity\":{}}\n".getBytes(UTF_8));
        Path file = dir.resolve("events.ndjson");
        Files.write(file, bytes.toByteArray());
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            assertThat(stream.next(WAIT).timeUs()).isEqualTo(1);
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class)
                    .hasMessage(file + " line 2: invalid UTF-8 at byte 16 of the line");
        }
    }

    @Test
    void anOverlongLineNamesTheLimit() throws Exception {
        Event big = Event.commit("did:plc:a", 2, new Event.Commit("3k2", Event.Operation.CREATE, POST, "r2", "cid",
                "{\"text\":\"" + "x".repeat(5_000) + "\"}"), 0);
        Path file = write("events.ndjson", String.join("\n", lines(List.of(post("did:plc:a", 1, "r1"), big))));
        try (EventStream stream = new NdjsonEventFile(file, 1_000).open(ALL)) {
            stream.next(WAIT);
            assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(file + " line 2: line of ")
                    .hasMessageEndingWith(" bytes is over the limit of 1000 bytes");
        }
    }

    @Test
    void aLongRunOfUnwantedLinesGivesAPollBackNullThenGoesOn() throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3 * NdjsonEventFile.LINES_PER_DEADLINE_CHECK; i++) {
            events.add(like("did:plc:a", i, "l" + i));
        }
        events.add(post("did:plc:a", 100_000, "wanted"));
        Path file = write("events.ndjson", lines(events));
        var posts = new Subscription(OptionalLong.empty(), Set.of(POST), Set.of());
        try (EventStream stream = new NdjsonEventFile(file).open(posts)) {
            int nulls = 0;
            Event e;
            while ((e = stream.next(Duration.ZERO)) == null) {
                nulls++;
            }
            assertThat(nulls).isEqualTo(3);
            assertThat(e.commit().rkey()).isEqualTo("wanted");
            assertThatThrownBy(() -> stream.next(Duration.ZERO)).isInstanceOf(EventStream.EndOfStream.class);
        }
    }

    @Test
    void aLargeFileIsStreamedHoldingNoMoreThanTheReadBuffer() throws Exception {
        int n = 60_000;
        Path file = dir.resolve("large.ndjson");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < n; i++) {
                out.write(EventJson.writeBytes(post("did:plc:u" + (i % 1_000), i, "r" + i)));
                out.write('\n');
            }
        }
        assertThat(Files.size(file)).isGreaterThan(200L * 64 * 1024);
        long most = 0;
        int count = 0;
        try (EventStream stream = new NdjsonEventFile(file).open(ALL)) {
            while (true) {
                Event e;
                try {
                    e = stream.next(WAIT);
                } catch (EventStream.EndOfStream end) {
                    break;
                }
                assertThat(e.timeUs()).isEqualTo(count);
                count++;
                most = Math.max(most, stream.bufferedBytes());
            }
        }
        assertThat(count).isEqualTo(n);
        assertThat(most).isPositive().isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void closeIsIdempotentAndEndsReading() throws Exception {
        Path file = write("events.ndjson", lines(List.of(post("did:plc:a", 1, "r1"))));
        EventStream stream = new NdjsonEventFile(file).open(ALL);
        stream.close();
        stream.close();
        assertThat(stream.bufferedBytes()).isZero();
        assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void describeIsThePathAsGivenAndArgumentsAreChecked() {
        assertThat(new NdjsonEventFile(Path.of("events.ndjson")).describe()).isEqualTo("events.ndjson");
        assertThatThrownBy(() -> new NdjsonEventFile(Path.of("x"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineBytes");
    }

    // --- helpers

    private static List<Event> readAll(EventStream stream) throws Exception {
        List<Event> out = new ArrayList<>();
        while (true) {
            try {
                Event e = stream.next(WAIT);
                assertThat(e).as("a file never makes next wait in vain").isNotNull();
                out.add(e);
            } catch (EventStream.EndOfStream end) {
                return out;
            }
        }
    }

    private Path write(String name, List<String> lines) throws IOException {
        return write(name, String.join("\n", lines) + "\n");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, UTF_8);
        return file;
    }

    private static List<String> lines(List<Event> events) {
        return events.stream().map(EventJson::write).toList();
    }

    private static Event post(String did, long timeUs, String rkey) {
        return Event.commit(did, timeUs, new Event.Commit("3k" + timeUs, Event.Operation.CREATE, POST, rkey,
                "bafy" + timeUs, "{\"$type\":\"" + POST + "\",\"text\":\"hello " + rkey + "\"}"), 0);
    }

    private static Event like(String did, long timeUs, String rkey) {
        return Event.commit(did, timeUs, new Event.Commit("3k" + timeUs, Event.Operation.CREATE, LIKE, rkey,
                "bafy" + timeUs, "{\"$type\":\"" + LIKE + "\"}"), 0);
    }

    private static Event delete(String did, long timeUs, String rkey) {
        return Event.commit(did, timeUs, new Event.Commit("3k" + timeUs, Event.Operation.DELETE, POST, rkey, null,
                null), 0);
    }

    private static Event identity(String did, long timeUs) {
        return Event.identity(did, timeUs, new Event.Identity("h.test", timeUs, "2026-01-01T00:00:00Z"), 0);
    }

    private static Event account(String did, long timeUs) {
        return Event.account(did, timeUs, new Event.Account(true, null, timeUs, "2026-01-01T00:00:00Z"), 0);
    }
}
