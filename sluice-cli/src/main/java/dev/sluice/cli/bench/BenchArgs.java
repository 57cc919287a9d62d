package dev.sluice.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
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

    /**
     * Publishes a bench's results: the JSON to {@code --json FILE} and the Markdown table to stdout, or, without a
     * file, the JSON to stdout and the table to {@code err}, so stdout is always one kind of output.
     */
    static void publish(ObjectNode report, String table, Path json, PrintStream err) throws JsonProcessingException {
        String jsonText = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (json != null) {
            write(json, jsonText + "\n", "--json");
            System.out.print(table);
        } else {
            System.out.println(jsonText);
            err.print(table);
        }
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
