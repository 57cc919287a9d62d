package dev.sluice.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The filters as Jetstream applies them: exact or {@code .*}-prefix collections, DIDs, identity/account always. */
class SubscriptionTest {
    private static Event commit(String did, String collection) {
        return Event.commit(did, 1, new Event.Commit("r", Event.Operation.DELETE, collection, "k", null, null), 0);
    }

    private static Subscription of(Set<String> collections, Set<String> dids) {
        return new Subscription(OptionalLong.empty(), collections, dids);
    }

    @Test
    void noFiltersWantsEverything() {
        assertThat(of(Set.of(), Set.of()).wants(commit("did:a", "app.bsky.feed.like"))).isTrue();
    }

    @Test
    void aCollectionMatchesExactlyOrByAPrefixWildcard() {
        Subscription s = of(Set.of("app.bsky.graph.follow", "app.bsky.feed.*"), Set.of());
        assertThat(s.wants(commit("did:a", "app.bsky.graph.follow"))).isTrue();
        assertThat(s.wants(commit("did:a", "app.bsky.feed.like"))).isTrue();
        assertThat(s.wants(commit("did:a", "app.bsky.feed.post"))).isTrue();
        assertThat(s.wants(commit("did:a", "app.bsky.graph.block"))).isFalse();
        // The prefix ends at a dot: app.bsky.feed.* does not take app.bsky.feedback.x.
        assertThat(s.wants(commit("did:a", "app.bsky.feedback.x"))).isFalse();
    }

    @Test
    void identityAndAccountEventsPassWhateverTheCollectionsSay() {
        Subscription s = of(Set.of("app.bsky.feed.like"), Set.of());
        assertThat(s.wants(Event.identity("did:a", 1, new Event.Identity("h", 1, "t"), 0))).isTrue();
        assertThat(s.wants(Event.account("did:a", 1, new Event.Account(true, null, 1, "t"), 0))).isTrue();
    }

    @Test
    void didsFilterEveryKind() {
        Subscription s = of(Set.of(), Set.of("did:a"));
        assertThat(s.wants(commit("did:a", "x.y"))).isTrue();
        assertThat(s.wants(commit("did:b", "x.y"))).isFalse();
        assertThat(s.wants(Event.identity("did:b", 1, new Event.Identity("h", 1, "t"), 0))).isFalse();
    }
}
