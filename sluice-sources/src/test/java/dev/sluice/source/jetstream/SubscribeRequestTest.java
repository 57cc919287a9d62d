package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.replay.Subscription;
import java.net.URI;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The /subscribe URL and the hello from what a user gives as --url and a subscription. */
class SubscribeRequestTest {
    private static final Subscription SUB = new Subscription(OptionalLong.of(1_725_000_000_000_000L),
            Set.of("app.bsky.feed.like", "app.bsky.graph.*"), Set.of("did:plc:abc"));

    private static String uri(String base, Subscription s) {
        return SubscribeRequest.of(URI.create(base), s).uri().toString();
    }

    @Test
    void aHostAndPortGetTheSubscribePathAndTheQuery() {
        assertThat(uri("ws://127.0.0.1:6008", SUB)).isEqualTo("ws://127.0.0.1:6008/subscribe"
                + "?wantedCollections=app.bsky.feed.like&wantedCollections=app.bsky.graph.*"
                + "&wantedDids=did:plc:abc&cursor=1725000000000000&requireHello=true");
        assertThat(uri("ws://127.0.0.1:6008/", Subscription.from(5)))
                .isEqualTo("ws://127.0.0.1:6008/subscribe?cursor=5&requireHello=true");
    }

    @Test
    void aFullSubscribeUrlKeepsItsPathAndForeignParameters() {
        assertThat(uri("wss://jetstream2.us-east.bsky.network/subscribe?compress=false&cursor=1&requireHello=false",
                Subscription.from(7)))
                .isEqualTo("wss://jetstream2.us-east.bsky.network/subscribe?compress=false&cursor=7&requireHello=true");
        assertThat(uri("ws://proxy:80/jetstream", Subscription.from(7)))
                .isEqualTo("ws://proxy:80/jetstream/subscribe?cursor=7&requireHello=true");
    }

    @Test
    void httpBecomesWsAndNoCursorMeansLive() {
        assertThat(uri("https://example.com", new Subscription(OptionalLong.empty(), Set.of(), Set.of())))
                .isEqualTo("wss://example.com/subscribe?requireHello=true");
    }

    @Test
    void theHelloRepeatsTheQuerysFiltersAndItsMessageSizeLimit() throws Exception {
        com.fasterxml.jackson.databind.JsonNode hello = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(SubscribeRequest.of(
                        URI.create("wss://jetstream.example/subscribe?maxMessageSizeBytes=65536"), SUB).hello());
        assertThat(hello.path("type").asText()).isEqualTo("options_update");
        assertThat(hello.path("payload").path("wantedCollections").toString())
                .isEqualTo("[\"app.bsky.feed.like\",\"app.bsky.graph.*\"]");
        assertThat(hello.path("payload").path("wantedDids").toString()).isEqualTo("[\"did:plc:abc\"]");
        assertThat(hello.path("payload").path("maxMessageSizeBytes").asLong()).isEqualTo(65536);
        // no filters: every collection and DID, no size limit
        assertThat(SubscribeRequest.of(URI.create("ws://h:1"), Subscription.from(1)).hello())
                .isEqualTo("{\"type\":\"options_update\",\"payload\":{\"wantedCollections\":[],"
                        + "\"wantedDids\":[],\"maxMessageSizeBytes\":0}}");
    }

    @Test
    void aReconnectionMovesOnlyTheCursorAndKeepsTheHello() {
        SubscribeRequest first = SubscribeRequest.of(URI.create("ws://127.0.0.1:6008?maxMessageSizeBytes=9"), SUB);
        SubscribeRequest resumed = first.from(1_725_000_000_000_042L);
        assertThat(resumed.uri().toString()).isEqualTo("ws://127.0.0.1:6008/subscribe?maxMessageSizeBytes=9"
                + "&wantedCollections=app.bsky.feed.like&wantedCollections=app.bsky.graph.*"
                + "&wantedDids=did:plc:abc&cursor=1725000000000042&requireHello=true");
        assertThat(resumed.hello()).isEqualTo(first.hello());
    }

    @Test
    void aBadUrlNamesTheFlag() {
        assertThatThrownBy(() -> JetstreamSourceConfig.builder("ftp://x")).hasMessageStartingWith("--url");
        assertThatThrownBy(() -> JetstreamSourceConfig.builder("not a url")).hasMessageStartingWith("--url");
        assertThatThrownBy(() -> JetstreamSourceConfig.builder("ws://x").maxBufferedBytes(0))
                .hasMessageStartingWith("--max-bytes-in-flight");
    }

    @Test
    void describeIsTheEndpointWithoutAQuery() {
        assertThat(new JetstreamEventSource(URI.create("ws://127.0.0.1:6008"), 1024).describe())
                .isEqualTo("ws://127.0.0.1:6008/subscribe");
    }
}
