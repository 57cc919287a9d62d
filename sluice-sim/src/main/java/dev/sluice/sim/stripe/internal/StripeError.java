package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer in Stripe's shape: {@code {"error":{"type":…,"code":…,"message":…,"param":…}}} with the headers
 * Stripe's SDKs act on ({@code Stripe-Should-Retry}, and {@code Retry-After} on 429). Thrown while deciding an
 * answer; the handler turns it into the response.
 */
public final class StripeError extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    private StripeError(int status, String type, String code, String message, String param,
                        Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = headers;
    }

    public static StripeError invalidRequest(int status, String message, String param) {
        return new StripeError(status, "invalid_request_error", null, message, param,
                Map.of("Stripe-Should-Retry", "false"));
    }

    /** 404 {@code resource_missing}: "No such customer: 'cus_x'". */
    public static StripeError missing(String noun, String id, String param) {
        return new StripeError(404, "invalid_request_error", "resource_missing",
                "No such " + noun + ": '" + id + "'", param, Map.of("Stripe-Should-Retry", "false"));
    }

    /** 403 {@code account_invalid}: a {@code Stripe-Account} the key has no access to. */
    public static StripeError accountInvalid(String maskedKey, String account) {
        return new StripeError(403, "invalid_request_error", "account_invalid", "The provided key '" + maskedKey
                + "' does not have access to account '" + account + "' (or that account does not exist). "
                + "Application access may have been revoked.", null, Map.of("Stripe-Should-Retry", "false"));
    }

    public static StripeError rateLimited() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", "1");
        h.put("Stripe-Should-Retry", "true");
        return new StripeError(429, "rate_limit_error", "rate_limit",
                "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
                null, h);
    }

    public static StripeError apiError() {
        return new StripeError(500, "api_error", null,
                "An unknown error occurred (simulated). Please retry the request.", null,
                Map.of("Stripe-Should-Retry", "true"));
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        if (code != null) {
            g.writeStringField("code", code);
            g.writeStringField("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        g.writeStringField("message", getMessage());
        if (param != null) {
            g.writeStringField("param", param);
        }
        g.writeStringField("type", type);
        g.writeEndObject();
        g.writeEndObject();
    }
}
