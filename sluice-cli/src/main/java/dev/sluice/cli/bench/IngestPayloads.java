package dev.sluice.cli.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The items of one ingest scenario, generated on the fly and the same for every mode: item {@code i}'s payload is
 * the JSON object {@code {"n":i,"data":"…"}} of exactly {@code bytes} bytes (ASCII, so bytes = characters), its
 * filler a slice of one seeded alphanumeric string that shifts with {@code i}. Nothing in a payload needs escaping
 * in JSON, in an NDJSON line or in PostgreSQL's COPY text format.
 */
final class IngestPayloads {
    /** The smallest payload: the object's fixed part with a 19-digit {@code n}. */
    static final int MIN_BYTES = 64;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int SHIFTS = 61;

    private final int bytes;
    private final byte[] filler;

    IngestPayloads(int bytes, long seed) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("payloads must be at least " + MIN_BYTES + " bytes, was " + bytes);
        }
        this.bytes = bytes;
        Random random = new Random(seed);
        this.filler = new byte[bytes + SHIFTS];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
    }

    int bytes() {
        return bytes;
    }

    /** Item {@code i}'s payload, exactly {@link #bytes()} bytes of JSON. */
    byte[] payload(long i) {
        byte[] out = new byte[bytes];
        write(i, out, 0);
        return out;
    }

    /** Writes item {@code i}'s payload into {@code out} at {@code at}; returns the position after it. */
    private int write(long i, byte[] out, int at) {
        byte[] prefix = ("{\"n\":" + i + ",\"data\":\"").getBytes(StandardCharsets.US_ASCII);
        int fill = bytes - prefix.length - 2;
        System.arraycopy(prefix, 0, out, at, prefix.length);
        System.arraycopy(filler, (int) (i % SHIFTS), out, at + prefix.length, fill);
        int end = at + prefix.length + fill;
        out[end] = '"';
        out[end + 1] = '}';
        return end + 2;
    }

    /** Item {@code i} as one NDJSON line of the native API: {@code {"index":i,"payload":…}\n}. */
    byte[] line(long i) {
        byte[] head = ("{\"index\":" + i + ",\"payload\":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + bytes + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        int end = write(i, out, head.length);
        out[end] = '}';
        out[end + 1] = '\n';
        return out;
    }

    /**
     * The length of {@link #ndjson}{@code (count)}, without making it: line {@code i} is {@code {"index":i,"payload":}
     * (20 bytes and the digits of {@code i}), the payload, and {@code }} and a newline.
     */
    long ndjsonBytes(long count) {
        long total = 0;
        for (long digits = 1, from = 0, to = 10; from < count; digits++, from = to, to *= 10) {
            total += (Math.min(count, to) - from) * (22 + digits + bytes);
        }
        return total;
    }

    /** Items {@code 0..count-1} as an NDJSON body, produced as it is read (never held whole). */
    InputStream ndjson(long count) {
        return new GeneratedLines(count, this::line);
    }
}
