package dev.sluice.sim.stripe.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook signature: {@code Stripe-Signature: t=<unix>,v1=<hex>,v0=<hex>}, where {@code v1} is the
 * HMAC-SHA256 of {@code "<t>.<raw body>"} keyed with the endpoint secret's UTF-8 bytes (the whole {@code whsec_…}
 * string, not decoded). Like Stripe in test mode, a {@code v0} signature made with another key comes along; a
 * receiver must ignore it.
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    public static String header(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + hmac(secret, timestamp, body) + ",v0="
                + hmac("v0:" + secret, timestamp, body);
    }

    /** Lowercase hex of HMAC-SHA256(secret, "<t>.<body>"). */
    public static String hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK ships HmacSHA256", e);
        }
    }
}
