package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The machine a bench ran on, so every figure carries its context.
 *
 * @param cores    processors available to this JVM
 * @param memoryGb physical memory in GiB (0 when the JVM cannot tell)
 * @param java     runtime version and vendor
 * @param os       name, version and architecture
 * @param date     the UTC date of the run
 */
public record MachineInfo(int cores, double memoryGb, String java, String os, LocalDate date) {

    public static MachineInfo current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        double memoryGb = os instanceof com.sun.management.OperatingSystemMXBean sun
                ? Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0
                : 0;
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memoryGb,
                Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                LocalDate.now(ZoneOffset.UTC));
    }

    /** The {@code machine} object of a bench's JSON. */
    public ObjectNode toJson() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("cores", cores);
        m.put("memory_gb", memoryGb);
        m.put("java", java);
        m.put("os", os);
        m.put("date", date.toString());
        return m;
    }
}
