package dev.sluice.cli;

import dev.sluice.store.DatabaseUrl;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How the CLI reads times, durations, sizes and database URLs. The converters throw picocli's
 * {@link TypeConversionException}, so the message a user sees is "Invalid value for option '--flag': why".
 */
public final class Converters {
    private Converters() {
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}, or ISO-8601 ({@code PT30S}). */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            long unitMs = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            return Duration.ofMillis(Math.round(n * unitMs));
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (like 500ms, 30s, 5m, 24h, 7d)");
        }
    }

    private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    /** {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB} ({@code MB} and {@code MiB} both mean 2^20). */
    public static long bytes(String text) {
        Matcher m = BYTES.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (like 1048576, 512KiB, 64MiB, 1GiB)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long scale = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    /** Epoch seconds, an ISO date ({@code 2024-01-31}, UTC midnight) or an ISO instant. */
    public static long epochSecond(String text) {
        String t = text.trim();
        if (t.matches("-?\\d+")) {
            return Long.parseLong(t);
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            }
            return Instant.parse(t).getEpochSecond();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a time (epoch seconds, 2024-01-31 or 2024-01-31T12:00:00Z)");
        }
    }

    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return converted(() -> duration(value));
        }
    }

    public static final class ByteSizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return converted(() -> bytes(value));
        }
    }

    public static final class EpochSecondConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return converted(() -> epochSecond(value));
        }
    }

    /** {@code --db}: its message never shows a password. */
    public static final class DatabaseUrlConverter implements ITypeConverter<DatabaseUrl> {
        @Override
        public DatabaseUrl convert(String value) {
            return converted(() -> DatabaseUrl.parse(value));
        }
    }

    private static <T> T converted(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
