package dev.sluice.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A generated stream of {@code length} deterministic bytes, so large objects are tested without holding them. */
final class PatternStream extends InputStream {
    private final long length;
    private final int seed;
    private long position;

    PatternStream(long length, int seed) {
        this.length = length;
        this.seed = seed;
    }

    private byte at(long i) {
        return (byte) (i * 31 + (i >>> 11) + seed);
    }

    @Override
    public int read() {
        return position < length ? at(position++) & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = at(position++);
        }
        return n;
    }

    /** Reads {@code in} to its end and returns "SIZE:SHA-256", without holding it. */
    static String fingerprint(InputStream in) {
        try (in) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long size = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
            return size + ":" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
