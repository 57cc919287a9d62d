package dev.sluice.cli;

import java.io.Console;

/** Whether output goes to a person (progress bars) or to a file or pipe (log lines). */
public final class Terminal {
    private Terminal() {}

    /** A terminal on both ends; on JDK 22+ {@code System.console()} exists even when redirected. */
    public static boolean isTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }
}
