package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdDigestTest {

    @Test
    void hashesSortedIdsEachFollowedByANewline() {
        // printf 'a\nb\n' | sha256sum
        Digest d = IdDigest.of(List.of("b", "a"));
        assertThat(d).isEqualTo(new Digest(2, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"));
        assertThat(IdDigest.of(Set.of("a", "b"))).isEqualTo(d);
    }

    @Test
    void anEmptySetIsTheHashOfNothing() {
        assertThat(IdDigest.of(List.of()))
                .isEqualTo(new Digest(0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    @Test
    void sortsByStringOrderAndCountsDuplicates() {
        assertThat(IdDigest.of(List.of("cus_b", "cus_B", "cus_a"))).isEqualTo(IdDigest.of(List.of("cus_B", "cus_a", "cus_b")));
        Digest doubled = IdDigest.of(List.of("x", "x"));
        assertThat(doubled.count()).isEqualTo(2);
        assertThat(doubled).isNotEqualTo(IdDigest.of(List.of("x")));
    }
}
