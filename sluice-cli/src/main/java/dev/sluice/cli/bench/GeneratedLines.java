package dev.sluice.cli.bench;

import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * A stream of {@code count} lines made as they are read — line {@code i} is {@code line.apply(i)} — so a body of any
 * size is sent or copied without ever being held whole.
 */
public final class GeneratedLines extends InputStream {
    private final long count;
    private final LongFunction<byte[]> line;
    private long next;
    private byte[] current = new byte[0];
    private int pos;

    public GeneratedLines(long count, LongFunction<byte[]> line) {
        this.count = count;
        this.line = line;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            if (pos == current.length) {
                if (next == count) {
                    break;
                }
                current = line.apply(next++);
                pos = 0;
            }
            int k = Math.min(len - n, current.length - pos);
            System.arraycopy(current, pos, b, off + n, k);
            pos += k;
            n += k;
        }
        return n == 0 ? -1 : n;
    }
}
