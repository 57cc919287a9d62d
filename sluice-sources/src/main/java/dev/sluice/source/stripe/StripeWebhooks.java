package dev.sluice.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.PushedEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook deliveries as {@link PushedEvents}: the {@code Stripe-Signature} header is
 * {@code t=<unix>,v1=<hex>[,v1=<hex>…]}; a delivery is authentic when some {@code v1} equals the HMAC-SHA256, keyed
 * with the UTF-8 bytes of one of the endpoint's secrets (several during a rotation), of {@code "<t>.<raw body>"}.
 * Other schemes ({@code v0}) are ignored. A timestamp older than the tolerance is refused (a replay); a newer one,
 * even ahead of this clock, is not. Signatures are compared in constant time; no secret appears in any message.
 */
public final class StripeWebhooks implements PushedEvents {
    public static final String INVALID_SIGNATURE = "INVALID_SIGNATURE";
    public static final String TIMESTAMP_OUT_OF_TOLERANCE = "TIMESTAMP_OUT_OF_TOLERANCE";
    public static final String MALFORMED_EVENT = "MALFORMED_EVENT";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final List<byte[]> secrets;
    private final Duration tolerance;

    /**
     * @param secrets   the endpoint's signing secrets ({@code whsec_…}), any of which may have signed a delivery
     * @param tolerance the oldest a delivery's timestamp may be ({@code --stripe-webhook-tolerance})
     */
    public StripeWebhooks(List<String> secrets, Duration tolerance) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.isBlank())) {
            throw new IllegalArgumentException("--stripe-webhook-secret needs at least one non-empty secret");
        }
        if (tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("--stripe-webhook-tolerance must be positive, was " + tolerance);
        }
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.tolerance = tolerance;
    }

    @Override
    public Verdict read(Function<String, String> header, byte[] body, long nowSecond) {
        String signature = header.apply("Stripe-Signature");
        if (signature == null || signature.isBlank()) {
            return new Refused(INVALID_SIGNATURE, "no Stripe-Signature header");
        }
        Long timestamp = null;
        List<String> v1 = new ArrayList<>();
        for (String part : signature.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return new Refused(INVALID_SIGNATURE, "the Stripe-Signature timestamp is not a number");
                }
            } else if (key.equals("v1")) {
                v1.add(value);
            }
        }
        if (timestamp == null || v1.isEmpty()) {
            return new Refused(INVALID_SIGNATURE, "the Stripe-Signature header has no timestamp or no v1 signature");
        }
        if (!signedByAny(timestamp, body, v1)) {
            return new Refused(INVALID_SIGNATURE, "no v1 signature matches the payload with any configured secret");
        }
        if (nowSecond - timestamp > tolerance.toSeconds()) {
            return new Refused(TIMESTAMP_OUT_OF_TOLERANCE, "the delivery was signed " + (nowSecond - timestamp)
                    + " s ago, more than the tolerance of " + tolerance.toSeconds() + " s");
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (IOException e) {
            return new Refused(MALFORMED_EVENT, "the body is not JSON");
        }
        Optional<FeedEvent> read = event == null ? Optional.empty() : StripeEvents.read(event);
        return read.<Verdict>map(Accepted::new).orElseGet(() -> new Refused(MALFORMED_EVENT,
                "the body is not a Stripe event (no string id, type or integer created)"));
    }

    private boolean signedByAny(long timestamp, byte[] body, List<String> candidates) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (byte[] secret : secrets) {
            byte[] expected = hmac(secret, prefix, body);
            for (String candidate : candidates) {
                byte[] given;
                try {
                    given = HEX.parseHex(candidate);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** HMAC-SHA256 of {@code prefix + body} keyed with {@code secret}. */
    static byte[] hmac(byte[] secret, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    /** A {@code Stripe-Signature} header for {@code body} signed now with {@code secret}, as Stripe makes one. */
    public static String signatureHeader(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HEX.formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8),
                (timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
    }
}
