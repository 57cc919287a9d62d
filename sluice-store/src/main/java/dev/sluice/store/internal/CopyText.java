package dev.sluice.store.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A growable byte buffer writing PostgreSQL {@code COPY}'s text format: tab-separated fields, {@code \N} for null,
 * and backslash escapes for backslash, tab, newline and carriage return, so any text round-trips byte for byte.
 * Shared by the replay {@code limit} load and the batch store's group insert, through {@link #copyIn}.
 */
public final class CopyText {
    /** Encoded rows are sent to the server in pieces of about this many bytes. */
    static final int FLUSH_BYTES = 256 * 1024;
    /**
     * For each byte, the letter COPY's text format writes after a backslash in its place, or 0 when it goes as is:
     * backslash, tab, newline and carriage return (never part of a UTF-8 sequence) are escaped.
     */
    private static final byte[] ESCAPE = new byte[256];

    static {
        ESCAPE['\\'] = '\\';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private byte[] buf;
    private int size;

    private CopyText(int capacity) {
        buf = new byte[capacity];
    }

    /**
     * Runs {@code copySql} ({@code COPY … FROM STDIN}, text format) on {@code c}, each of {@code rows} encoded by
     * {@code encode} (which may write nothing for a row it skips), sent in pieces of about {@value #FLUSH_BYTES}
     * bytes. All or nothing, like any statement: on failure the COPY is cancelled and the {@link SQLException} thrown.
     *
     * @return the rows the server stored
     */
    public static <T> long copyIn(Connection c, String copySql, Iterable<T> rows, BiConsumer<CopyText, T> encode)
            throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            CopyText out = new CopyText(FLUSH_BYTES + 64 * 1024);
            for (T row : rows) {
                encode.accept(out, row);
                if (out.size >= FLUSH_BYTES) {
                    copy.writeToCopy(out.buf, 0, out.size);
                    out.clear();
                }
            }
            if (out.size > 0) {
                copy.writeToCopy(out.buf, 0, out.size);
            }
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Appends {@code s} as one field, escaped; {@code null} is {@code \\N}. */
    public CopyText field(String s) {
        if (s == null) {
            ensure(2);
            buf[size++] = '\\';
            buf[size++] = 'N';
            return this;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return field(utf8, 0, utf8.length);
    }

    /**
     * Appends {@code len} UTF-8 bytes from {@code utf8} as one field, escaped. Most fields (JSON without escapes,
     * ids, keys) hold nothing to escape and are copied in one piece; a field with a special byte is escaped from it on.
     */
    public CopyText field(byte[] utf8, int off, int len) {
        int end = off + len;
        int special = off;
        while (special < end && ESCAPE[utf8[special] & 0xff] == 0) {
            special++;
        }
        ensure(len);
        System.arraycopy(utf8, off, buf, size, special - off);
        size += special - off;
        if (special == end) {
            return this;
        }
        ensure((end - special) * 2);
        for (int i = special; i < end; i++) {
            byte b = utf8[i];
            byte letter = ESCAPE[b & 0xff];
            if (letter == 0) {
                buf[size++] = b;
            } else {
                buf[size++] = '\\';
                buf[size++] = letter;
            }
        }
        return this;
    }

    /** Appends a number field (digits and a sign: nothing to escape). */
    public CopyText number(long v) {
        String digits = Long.toString(v);
        int n = digits.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) digits.charAt(i);
        }
        return this;
    }

    public CopyText tab() {
        ensure(1);
        buf[size++] = '\t';
        return this;
    }

    public CopyText newline() {
        ensure(1);
        buf[size++] = '\n';
        return this;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    private void clear() {
        size = 0;
    }
}
