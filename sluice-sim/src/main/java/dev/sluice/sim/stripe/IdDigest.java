package dev.sluice.sim.stripe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The one definition of an id-set digest, shared by the simulator and by whoever checks a sink against it:
 * SHA-256 (lowercase hex) over the ids sorted ascending by {@link String#compareTo}, each followed by {@code "\n"}.
 * Duplicates are hashed as many times as they occur, so a doubled record changes the digest.
 */
public final class IdDigest {

    private IdDigest() {
    }

    public static Digest of(Collection<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        MessageDigest sha = sha256();
        for (String id : sorted) {
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return new Digest(sorted.size(), HexFormat.of().formatHex(sha.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
