package dev.sluice.sim.jetstream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.replay.Subscription;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** /subscribe's query as Jetstream reads it. */
class SubscribeQueryTest {
    @Test
    void repeatedParametersAndAPrefixWildcard() {
        Subscription s = SubscribeQuery.parse(Map.of(
                "wantedCollections", List.of("app.bsky.feed.like", "app.bsky.graph.*"),
                "wantedDids", List.of("did:plc:abc", "did:web:example.com"),
                "cursor", List.of("1725911162329308"),
                "compress", List.of("false")));
        assertThat(s.collections()).containsExactlyInAnyOrder("app.bsky.feed.like", "app.bsky.graph.*");
        assertThat(s.dids()).containsExactlyInAnyOrder("did:plc:abc", "did:web:example.com");
        assertThat(s.cursorUs()).hasValue(1_725_911_162_329_308L);
    }

    @Test
    void nothingIsEverythingLive() {
        assertThat(SubscribeQuery.parse(Map.of())).isEqualTo(new Subscription(OptionalLong.empty(), Set.of(), Set.of()));
    }

    @Test
    void badValuesNameTheParameter() {
        assertThatThrownBy(() -> SubscribeQuery.parse(Map.of("cursor", List.of("soon"))))
                .hasMessageContaining("cursor").hasMessageContaining("soon");
        assertThatThrownBy(() -> SubscribeQuery.parse(Map.of("cursor", List.of("1", "2"))))
                .hasMessageContaining("cursor");
        assertThatThrownBy(() -> SubscribeQuery.parse(Map.of("wantedCollections", List.of("app.*.like"))))
                .hasMessageContaining("wantedCollections");
        assertThatThrownBy(() -> SubscribeQuery.parse(Map.of("wantedDids", List.of("alice"))))
                .hasMessageContaining("wantedDids");
    }
}
