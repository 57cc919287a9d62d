package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sync.PushedEvents.Accepted;
import dev.sluice.sync.PushedEvents.Refused;
import dev.sluice.sync.PushedEvents.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stripe's webhook signature scheme, every way a delivery can be refused, and what is never said. */
class StripeWebhooksTest {
    private static final String SECRET = "whsec_test_current";
    private static final String OLD = "whsec_test_previous";
    private static final long NOW = 1_800_000_000L;
    private static final byte[] BODY = ("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"customer.updated\","
            + "\"created\":1799999990,\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":\"customer\","
            + "\"created\":1700000000}}}").getBytes(StandardCharsets.UTF_8);

    private static Verdict read(StripeWebhooks hooks, String header, byte[] body, long now) {
        Map<String, String> headers = header == null ? Map.of() : Map.of("stripe-signature", header);
        return hooks.read(name -> headers.get(name.toLowerCase()), body, now);
    }

    private final StripeWebhooks hooks = new StripeWebhooks(List.of(SECRET), Duration.ofSeconds(300));

    @Test
    void aDeliverySignedWithTheSecretIsAccepted() {
        Verdict v = read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW - 5, BODY), BODY, NOW);
        assertThat(v).isInstanceOf(Accepted.class);
        assertThat(((Accepted) v).event().change().id()).isEqualTo("cus_1");
    }

    @Test
    void anyOfSeveralSignaturesAndAnyOfSeveralSecretsWillDo() {
        StripeWebhooks rotating = new StripeWebhooks(List.of(SECRET, OLD), Duration.ofSeconds(300));
        String byOld = StripeWebhooks.signatureHeader(OLD, NOW, BODY);
        assertThat(read(rotating, byOld, BODY, NOW)).isInstanceOf(Accepted.class);
        String v1Wrong = "t=" + NOW + ",v1=" + "00".repeat(32);
        String both = v1Wrong + "," + StripeWebhooks.signatureHeader(SECRET, NOW, BODY).split(",")[1] + ",v0=abc";
        assertThat(read(hooks, both, BODY, NOW)).isInstanceOf(Accepted.class);
    }

    @Test
    void aWrongSignatureAChangedBodyOrAMissingHeaderIsRefusedWithoutNamingTheSecret() {
        String header = StripeWebhooks.signatureHeader(SECRET, NOW, BODY);
        byte[] changed = new String(BODY, StandardCharsets.UTF_8).replace("cus_1", "cus_2")
                .getBytes(StandardCharsets.UTF_8);
        for (Verdict v : List.of(read(hooks, header, changed, NOW),
                read(hooks, StripeWebhooks.signatureHeader("whsec_other", NOW, BODY), BODY, NOW),
                read(hooks, null, BODY, NOW), read(hooks, "t=" + NOW, BODY, NOW),
                read(hooks, "t=x,v1=00", BODY, NOW), read(hooks, "t=" + NOW + ",v1=zz", BODY, NOW),
                read(hooks, header.replace("v1=", "v0="), BODY, NOW))) {
            assertThat(v).isInstanceOf(Refused.class);
            assertThat(((Refused) v).code()).isEqualTo(StripeWebhooks.INVALID_SIGNATURE);
            assertThat(((Refused) v).message()).doesNotContain(SECRET).doesNotContain("whsec");
        }
    }

    @Test
    void onlyTimestampsOlderThanTheToleranceAreRefused() {
        Verdict stale = read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW - 301, BODY), BODY, NOW);
        assertThat(((Refused) stale).code()).isEqualTo(StripeWebhooks.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThat(read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW - 300, BODY), BODY, NOW))
                .isInstanceOf(Accepted.class);
        assertThat(read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW + 60, BODY), BODY, NOW))
                .isInstanceOf(Accepted.class);
    }

    @Test
    void aSignedBodyThatIsNotAnEventIsMalformedAndAnUnknownTypeIsAcceptedAsSkipped() {
        byte[] notJson = "{oops".getBytes(StandardCharsets.UTF_8);
        Verdict v = read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW, notJson), notJson, NOW);
        assertThat(((Refused) v).code()).isEqualTo(StripeWebhooks.MALFORMED_EVENT);
        byte[] notEvent = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
        v = read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW, notEvent), notEvent, NOW);
        assertThat(((Refused) v).code()).isEqualTo(StripeWebhooks.MALFORMED_EVENT);
        byte[] unknown = "{\"id\":\"evt_2\",\"type\":\"balance.available\",\"created\":1,\"data\":{\"object\":{}}}"
                .getBytes(StandardCharsets.UTF_8);
        v = read(hooks, StripeWebhooks.signatureHeader(SECRET, NOW, unknown), unknown, NOW);
        assertThat(((Accepted) v).event().skipped()).isEqualTo("unknown type");
    }

    @Test
    void secretsAndToleranceAreChecked() {
        assertThatThrownBy(() -> new StripeWebhooks(List.of(), Duration.ofSeconds(1)))
                .hasMessageContaining("--stripe-webhook-secret");
        assertThatThrownBy(() -> new StripeWebhooks(List.of("whsec_x"), Duration.ZERO))
                .hasMessageContaining("--stripe-webhook-tolerance");
    }
}
