package dev.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads an NDJSON stream line by line, on bytes, with bounded memory.
 *
 * <p>Each call to {@link #next()} yields the next non-blank line as a {@link Line}:
 * <ul>
 *   <li>Lines end at {@code \n}; one trailing {@code \r} is stripped, so CRLF works. A last line without a newline
 *       counts. Blank lines (empty, or only spaces and tabs) are skipped, but their numbers are counted, so every
 *       line number matches what an editor shows.</li>
 *   <li>A line is checked as a whole, strictly as UTF-8 (malformed input is reported, never replaced), on its bytes
 *       and without decoding it ({@link Utf8}): bad bytes give {@link Line.Kind#INVALID_UTF8} with the offset of the
 *       first bad byte, the same offset a strict {@link java.nio.charset.CharsetDecoder} reports. Reading may go on
 *       to the next line; stopping is the caller's choice.</li>
 *   <li>A record is handed out as bytes, not as a {@link String}: {@link Line#bytes()} is this reader's line buffer,
 *       <b>valid only until the next call to {@link #next()}</b>, which reuses it (the old {@link Line} then refuses
 *       to give its bytes rather than give wrong ones). {@link Line#text()} decodes it on demand.</li>
 *   <li>A line longer than {@code maxLineBytes} gives {@link Line.Kind#OVERSIZED} with its full length. It is never
 *       held whole: past the limit its bytes are counted and dropped until the next {@code \n}; only its first
 *       {@value #PREFIX_BYTES} bytes (or fewer) are kept, to find its top-level {@code "index"} with
 *       {@link IndexSniffer}.</li>
 * </ul>
 *
 * <p><b>Memory:</b> one read buffer ({@value #BUFFER_BYTES} bytes) plus one line buffer that grows by doubling up to
 * {@code max(maxLineBytes + 1, prefix)} bytes (the {@code + 1} holds a {@code \r} before it is stripped) and is
 * reused for every line. No per-line copy is made; a caller that asks for {@link Line#text()} owns that
 * {@link String}. Nothing
 * depends on the length of the stream or of any one line.
 *
 * <p>Not thread-safe: one reader per request. The reader does not close the stream.
 */
public final class NdjsonReader {
    static final int BUFFER_BYTES = 64 * 1024;
    static final int PREFIX_BYTES = 4 * 1024;
    private static final int INITIAL_LINE_BYTES = 8 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final int prefixBytes;
    private final int keepBytes;
    private final byte[] buffer;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    private int position;
    private int limit;
    private boolean endOfStream;
    private long lineNumber;
    /** Counts calls to {@link #next()}: a {@link Line}'s bytes are valid while it is unchanged. */
    private long generation;

    /** The current line's first {@code min(length, keepBytes)} bytes. */
    private byte[] line = new byte[0];
    private int kept;
    /** The current line's length so far, kept or not, {@code \r} included. */
    private long length;
    private byte lastByte;
    private int highWater;

    /**
     * @param maxLineBytes the longest line, in bytes without its line ending, that is returned as a record
     */
    public NdjsonReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, BUFFER_BYTES, PREFIX_BYTES);
    }

    /** For tests: tiny buffers put multi-byte characters and line endings across read boundaries. */
    NdjsonReader(InputStream in, int maxLineBytes, int bufferBytes, int prefixBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1 || maxLineBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxLineBytes must be in [1, " + (Integer.MAX_VALUE - 1) + "], was "
                    + maxLineBytes);
        }
        if (bufferBytes < 1 || prefixBytes < 0) {
            throw new IllegalArgumentException("bufferBytes must be >= 1 and prefixBytes >= 0, was " + bufferBytes
                    + ", " + prefixBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.prefixBytes = prefixBytes;
        this.keepBytes = Math.max(maxLineBytes + 1, prefixBytes);
        this.buffer = new byte[bufferBytes];
    }

    /** The next non-blank line, or {@code null} at the end of the stream. */
    public Line next() throws IOException {
        generation++;
        while (true) {
            if (!readLine()) {
                return null;
            }
            lineNumber++;
            long contentLength = length - (length > 0 && lastByte == '\r' ? 1 : 0);
            if (contentLength > maxLineBytes) {
                int prefix = (int) Math.min(Math.min(kept, contentLength), prefixBytes);
                Long index = IndexSniffer.sniff(line, prefix, prefix == contentLength);
                return Line.oversized(lineNumber, contentLength, maxLineBytes, index);
            }
            int size = (int) contentLength;
            if (isBlank(size)) {
                continue;
            }
            return decode(size);
        }
    }

    /** The line number of the last line read, blank or not; 0 before the first. */
    public long lineNumber() {
        return lineNumber;
    }

    /**
     * Bytes read from the stream and not yet taken into a line: the read-ahead, at most the read buffer's
     * {@value #BUFFER_BYTES} bytes. A caller that reports what it holds in memory (a replay file source) adds this.
     */
    public int bufferedBytes() {
        return limit - position;
    }

    /** Which call to {@link #next()} this is: the lines of earlier calls have lost their bytes. */
    long generation() {
        return generation;
    }

    /** The most bytes the line buffer ever held: at most {@code max(maxLineBytes + 1, prefix)}. */
    int lineBufferHighWater() {
        return highWater;
    }

    /**
     * Reads up to the next {@code \n} (or the end of the stream) into the line buffer, keeping at most
     * {@code keepBytes}. Returns false when the stream ended with no line left.
     */
    private boolean readLine() throws IOException {
        kept = 0;
        length = 0;
        lastByte = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length > 0;
            }
            int newline = indexOfNewline(position, limit);
            int end = newline < 0 ? limit : newline;
            int count = end - position;
            if (count > 0) {
                keep(position, count);
                length += count;
                lastByte = buffer[end - 1];
            }
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                return true;
            }
        }
    }

    private boolean fill() throws IOException {
        if (endOfStream) {
            return false;
        }
        int read;
        do {
            read = in.read(buffer, 0, buffer.length);
        } while (read == 0);
        if (read < 0) {
            endOfStream = true;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private void keep(int from, int count) {
        int room = keepBytes - kept;
        int n = Math.min(room, count);
        if (n <= 0) {
            return;
        }
        if (kept + n > line.length) {
            int capacity = Math.max(Math.min(INITIAL_LINE_BYTES, keepBytes), line.length);
            while (capacity < kept + n) {
                capacity = (int) Math.min((long) capacity * 2, keepBytes);
            }
            line = Arrays.copyOf(line, capacity);
            highWater = Math.max(highWater, capacity);
        }
        System.arraycopy(buffer, from, line, kept, n);
        kept += n;
    }

    /** The first {@code \n} in {@code buffer[from, to)}, or -1; eight bytes at a time. */
    private int indexOfNewline(int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(buffer, i) ^ NEWLINES;
            // Flags the zero bytes of x (the newlines). Borrows can only flag bytes above a real zero, so the lowest
            // flag, the first byte in memory order, is always a newline.
            long zeros = (x - ONES) & ~x & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean isBlank(int size) {
        for (int i = 0; i < size; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private Line decode(int size) {
        int bad = Utf8.firstInvalid(line, 0, size);
        if (bad >= 0) {
            return Line.invalidUtf8(lineNumber, size, bad);
        }
        return Line.record(lineNumber, size, line, this, generation);
    }
}
