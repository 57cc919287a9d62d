package dev.sluice.server.trigger;

import dev.sluice.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks upload URLs the way S3 presigns them: {@code sig = hex(HMAC-SHA256(secret, key + "\n" +
 * expires))}, {@code expires} in epoch seconds. With {@code --upload-secret} the secret is shared: a URL is good on
 * every server started with it, across restarts, until it expires. Without, it is random per server process, so a
 * URL is only good on the server that issued it, until it expires or the server restarts.
 *
 * <p>Thread-safe.
 */
final class UploadSigner {
    private final byte[] secret;
    private final Clock clock;
    private final Duration ttl;

    UploadSigner(byte[] secret, Clock clock, Duration ttl) {
        this.secret = secret.clone();
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A signer with a fresh 256-bit random secret. */
    static UploadSigner random(Clock clock, Duration ttl) {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return new UploadSigner(s, clock, ttl);
    }

    /** A signer keyed by {@code secret}'s UTF-8 bytes: the same secret on every server makes their URLs interchangeable. */
    static UploadSigner shared(String secret, Clock clock, Duration ttl) {
        return new UploadSigner(secret.getBytes(StandardCharsets.UTF_8), clock, ttl);
    }

    /** The expiry for a URL issued now, in epoch seconds. */
    long expiresFromNow() {
        return clock.epochSecond() + ttl.toSeconds();
    }

    String sign(String key, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why {@code (key, expires, sig)} is not acceptable now, or {@code null} when it is. */
    String problem(String key, String expires, String sig) {
        if (expires == null || sig == null) {
            return "the upload URL must carry expires and sig";
        }
        long exp;
        try {
            exp = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return "expires must be epoch seconds";
        }
        byte[] expected = sign(key, exp).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return "the upload URL's signature does not match";
        }
        if (clock.epochSecond() > exp) {
            return "the upload URL expired at " + exp;
        }
        return null;
    }
}
