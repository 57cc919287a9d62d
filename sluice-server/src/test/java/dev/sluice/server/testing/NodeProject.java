package dev.sluice.server.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pinned Node project under {@code src/test}, copied into a scratch directory and installed with {@code npm ci}
 * from its lockfile, for tests that drive Sluice with an official JavaScript SDK.
 */
public final class NodeProject {
    /** How a process ended. */
    public record Run(int exit, String stdout, String stderr) {
        public String output() {
            return "--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Path dir;
    private final Path scratch;

    private NodeProject(Path dir, Path scratch) {
        this.dir = dir;
        this.scratch = scratch;
    }

    /** Whether node and npm are on the PATH. */
    public static boolean available() {
        return onPath("node") && onPath("npm");
    }

    /** Copies {@code files} of {@code source} into {@code scratch}/node; {@link #install()} next. */
    public static NodeProject copy(Path source, Path scratch, List<String> files) throws IOException {
        Path project = Files.createDirectories(scratch.resolve("node"));
        for (String f : files) {
            Files.copy(source.resolve(f), project.resolve(f));
        }
        return new NodeProject(project, scratch);
    }

    public Path dir() {
        return dir;
    }

    /** {@code npm ci} of the lockfile. */
    public Run install() throws IOException, InterruptedException {
        return run(Map.of(), 600, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
    }

    public Run run(Map<String, String> env, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String o = Files.readString(out);
        String e = Files.readString(err);
        return new Run(done ? p.exitValue() : -1, o, done ? e : e + "\n(timed out after " + timeoutSeconds + " s)");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
