package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The state digest compares values, not how a store happens to print them. */
class StateDigestTest {

    @Test
    void keyOrderAndWhitespaceDoNotMatterButValuesAndIdsDo() {
        Map<String, String> a = Map.of(
                "cus_1", "{\"id\":\"cus_1\",\"metadata\":{\"b\":\"2\",\"a\":\"1\"},\"n\":[3,1]}",
                "cus_2", "{\"id\":\"cus_2\",\"deleted\":false}");
        Map<String, String> reordered = Map.of(
                "cus_2", "{ \"deleted\": false, \"id\": \"cus_2\" }",
                "cus_1", "{\"n\":[3,1],\"metadata\":{\"a\":\"1\",\"b\":\"2\"},\"id\":\"cus_1\"}");
        assertThat(StateDigest.of(reordered)).isEqualTo(StateDigest.of(a));
        assertThat(StateDigest.of(a).count()).isEqualTo(2);

        assertThat(StateDigest.of(Map.of("cus_1", a.get("cus_1"), "cus_2", "{\"id\":\"cus_2\",\"deleted\":true}")))
                .isNotEqualTo(StateDigest.of(a));
        assertThat(StateDigest.of(Map.of("cus_1", a.get("cus_1").replace("[3,1]", "[1,3]"), "cus_2", a.get("cus_2"))))
                .as("array order is data").isNotEqualTo(StateDigest.of(a));
        assertThat(StateDigest.of(Map.of("cus_1", a.get("cus_1")))).isNotEqualTo(StateDigest.of(a));
        assertThat(StateDigest.canonical("{\"b\":{\"d\":1,\"c\":null},\"a\":true}"))
                .isEqualTo("{\"a\":true,\"b\":{\"c\":null,\"d\":1}}");
    }
}
