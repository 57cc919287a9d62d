package dev.sluice.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Jetstream's event JSON both ways: what the simulator writes is what a source parses, byte for byte. */
class EventJsonTest {
    private static final String DID = "did:plc:wa7b35aakoll7hugkrjtf3xf";

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Writes {@code e}, parses it back, and checks the parse equals {@code e} with its size as written. */
    private static Event roundTrip(Event e) {
        byte[] bytes = EventJson.writeBytes(e);
        Event back = EventJson.parse(bytes);
        assertThat(back).isEqualTo(new Event(e.did(), e.timeUs(), e.kind(), e.commit(), e.identity(), e.account(),
                bytes.length));
        assertThat(EventJson.parse(new String(bytes, StandardCharsets.UTF_8))).as("parsed from text").isEqualTo(back);
        assertThat(EventJson.write(back)).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
        return back;
    }

    @Test
    void aCreateCommitRoundTrips() {
        String record = "{\"$type\":\"app.bsky.feed.like\",\"createdAt\":\"2024-09-09T19:46:02.102Z\","
                + "\"subject\":{\"cid\":\"bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4\","
                + "\"uri\":\"at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325\"}}";
        Event e = Event.commit(DID, 1_725_911_162_329_308L, new Event.Commit("3l3qo2vutsw2b", Event.Operation.CREATE,
                "app.bsky.feed.like", "3l3qo2vuowo2b", "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
                record), 0);
        Event back = roundTrip(e);
        assertThat(back.commit().recordJson()).isEqualTo(record);
    }

    @Test
    void aRecordWithCharactersBeyondAsciiIsCutTheSameFromTextAsFromBytes() {
        String record = "{\"text\":\"caf\u00e9 \u2603 \ud83d\ude00 \\u00e9\",\"n\":{\"deep\":[1,{\"x\":\"}\"}]}}";
        Event back = roundTrip(Event.commit(DID, 3L, new Event.Commit("3l3qo2vutsw2b", Event.Operation.CREATE,
                "app.bsky.feed.post", "3l3qo2vuowo2b", "bafyreiabc", record), 0));
        assertThat(back.commit().recordJson()).isEqualTo(record);
    }

    @Test
    void theUtf8LengthOfTextIsCountedWithoutEncodingIt() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                switch (random.nextInt(5)) {
                    case 0 -> sb.append((char) random.nextInt(0x80));
                    case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> sb.append((char) (0x800 + random.nextInt(0xD000)));
                    case 3 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
                    default -> sb.append((char) (0xD800 + random.nextInt(0x800))); // unpaired surrogates
                }
            }
            String s = sb.toString();
            assertThat(EventJson.utf8Length(s)).as("%s", s).isEqualTo(utf8Length(s));
        }
    }

    @Test
    void anUpdateAndADeleteRoundTrip() {
        roundTrip(Event.commit(DID, 1L, new Event.Commit("3l3qo2vutsw2b", Event.Operation.UPDATE,
                "app.bsky.actor.profile", "self", "bafyreiabc", "{\"displayName\":\"A\"}"), 0));
        Event delete = roundTrip(Event.commit(DID, 2L, new Event.Commit("3l3qo2vutsw2c", Event.Operation.DELETE,
                "app.bsky.feed.like", "3l3qo2vuowo2b", null, null), 0));
        assertThat(EventJson.write(delete)).doesNotContain("record").doesNotContain("cid");
    }

    @Test
    void anIdentityRoundTripsWithAndWithoutAHandle() {
        roundTrip(Event.identity(DID, 1_725_516_665_234_703L,
                new Event.Identity("alice.bsky.social", 1_409_752_997L, "2024-09-05T06:11:04.870Z"), 0));
        roundTrip(Event.identity(DID, 5L, new Event.Identity(null, 7L, "2024-09-05T06:11:04.870Z"), 0));
    }

    @Test
    void anAccountRoundTripsWithAndWithoutAStatus() {
        roundTrip(Event.account(DID, 1_725_516_665_333_808L,
                new Event.Account(true, null, 1_409_753_013L, "2024-09-05T06:11:04.870Z"), 0));
        roundTrip(Event.account(DID, 9L, new Event.Account(false, "takendown", 3L, "2024-09-05T06:11:04.870Z"), 0));
    }

    @Test
    void theRecordIsKeptVerbatimEscapesSpacingAndUnicodeIncluded() {
        String record = "{ \"text\" : \"caf\\u00e9 \u2615 \\\"quoted\\\" \uD83C\uDF0A\",\n  \"langs\":[\"fr\"] }";
        String message = "{\"did\":\"" + DID + "\",\"time_us\":42,\"kind\":\"commit\",\"commit\":{\"rev\":\"3l3qo2vutsw2b\","
                + "\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3l3qo2vuowo2b\","
                + "\"record\":" + record + ",\"cid\":\"bafyreiabc\"}}";
        Event e = EventJson.parse(message);
        assertThat(e.commit().recordJson()).isEqualTo(record);
        assertThat(e.sizeBytes()).isEqualTo(utf8Length(message));
        // Written back, the record is the same bytes: what is stored is what was sent.
        assertThat(EventJson.write(e)).contains(record);
    }

    @Test
    void aMessageInsideALargerBufferIsCutByItsOwnOffsets() {
        String message = "{\"did\":\"" + DID + "\",\"time_us\":42,\"kind\":\"commit\",\"commit\":{\"rev\":\"r\","
                + "\"operation\":\"create\",\"collection\":\"c\",\"rkey\":\"k\",\"record\":{\"t\":\"\u00e9\u00e9\"}}}";
        byte[] inner = message.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[inner.length + 20];
        java.util.Arrays.fill(buffer, (byte) 'x');
        System.arraycopy(inner, 0, buffer, 7, inner.length);
        Event e = EventJson.parse(buffer, 7, inner.length);
        assertThat(e.commit().recordJson()).isEqualTo("{\"t\":\"\u00e9\u00e9\"}");
        assertThat(e.sizeBytes()).isEqualTo(inner.length);
    }

    @Test
    void unknownTopLevelFieldsAreIgnored() {
        Event e = EventJson.parse("{\"did\":\"" + DID + "\",\"extra\":{\"a\":[1,2]},\"time_us\":3,\"kind\":\"identity\","
                + "\"identity\":{\"did\":\"" + DID + "\",\"handle\":\"h\",\"seq\":1,\"time\":\"t\",\"more\":true}}");
        assertThat(e.identity()).isEqualTo(new Event.Identity("h", 1, "t"));
    }

    @Test
    void anEventOfAnUnknownKindParsesToNull() {
        assertThat(EventJson.parse("{\"did\":\"" + DID + "\",\"time_us\":3,\"kind\":\"sync\",\"sync\":{\"x\":1}}"))
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not an object|[1,2]|JSON object",
            "not JSON|{\"did\":|not valid JSON",
            "no did|{\"time_us\":1,\"kind\":\"identity\",\"identity\":{\"seq\":1,\"time\":\"t\"}}|\"did\"",
            "did not a string|{\"did\":5,\"time_us\":1,\"kind\":\"identity\"}|\"did\"",
            "no time_us|{\"did\":\"d\",\"kind\":\"identity\",\"identity\":{\"seq\":1,\"time\":\"t\"}}|\"time_us\"",
            "time_us a string|{\"did\":\"d\",\"time_us\":\"1\",\"kind\":\"identity\"}|\"time_us\"",
            "no kind|{\"did\":\"d\",\"time_us\":1}|\"kind\"",
            "commit kind without a commit|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\"}|\"commit\"",
            "commit not an object|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\",\"commit\":[]}|\"commit\"",
            "commit without rev|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\",\"commit\":{\"operation\":\"delete\",\"collection\":\"c\",\"rkey\":\"k\"}}|\"rev\"",
            "rev not a string|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\",\"commit\":{\"rev\":1,\"operation\":\"delete\",\"collection\":\"c\",\"rkey\":\"k\"}}|commit.rev",
            "unknown operation|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\",\"commit\":{\"rev\":\"r\",\"operation\":\"upsert\",\"collection\":\"c\",\"rkey\":\"k\"}}|commit.operation",
            "create without record|{\"did\":\"d\",\"time_us\":1,\"kind\":\"commit\",\"commit\":{\"rev\":\"r\",\"operation\":\"create\",\"collection\":\"c\",\"rkey\":\"k\"}}|\"record\"",
            "identity kind without identity|{\"did\":\"d\",\"time_us\":1,\"kind\":\"identity\"}|\"identity\"",
            "identity not an object|{\"did\":\"d\",\"time_us\":1,\"kind\":\"identity\",\"identity\":\"x\"}|\"identity\"",
            "identity.seq not an integer|{\"did\":\"d\",\"time_us\":1,\"kind\":\"identity\",\"identity\":{\"seq\":\"1\"}}|identity.seq",
            "account kind without account|{\"did\":\"d\",\"time_us\":1,\"kind\":\"account\"}|\"account\"",
            "account.active not a boolean|{\"did\":\"d\",\"time_us\":1,\"kind\":\"account\",\"account\":{\"active\":\"yes\"}}|account.active",
            "account.status not a string|{\"did\":\"d\",\"time_us\":1,\"kind\":\"account\",\"account\":{\"active\":false,\"status\":1}}|account.status"})
    void aMalformedEventNamesTheField(String name, String message, String named) {
        assertThatThrownBy(() -> EventJson.parse(message))
                .isInstanceOf(EventJson.FormatException.class)
                .hasMessageContaining(named);
    }
}
