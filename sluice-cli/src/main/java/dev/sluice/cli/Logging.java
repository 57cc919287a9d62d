package dev.sluice.cli;

/**
 * Sets up slf4j-simple from {@code SLUICE_LOG} (error, warn, info, debug; default info) before the first logger is
 * made. Logs go to stderr, so {@code --json} output on stdout stays clean.
 */
final class Logging {
    private Logging() {
    }

    static void configure() {
        String level = System.getenv().getOrDefault("SLUICE_LOG", "info");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }
}
