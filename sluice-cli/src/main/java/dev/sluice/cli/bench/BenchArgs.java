package dev.sluice.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/** How the bench commands read their list flags and write their output files, with errors that name the flag. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** A comma-separated flag value: trimmed, without blanks or repeats, in order; empty is an error. */
    static List<String> csv(String text, String flag) {
        List<String> items = List.copyOf(new LinkedHashSet<>(Arrays.stream(text.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList()));
        if (items.isEmpty()) {
            throw new IllegalArgumentException(flag + " names nothing");
        }
        return items;
    }

    /** Writes {@code text} to the file the flag named, creating its directory. */
    static void write(Path file, String text, String flag) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot write " + file + ": " + e.getMessage());
        }
    }
}
