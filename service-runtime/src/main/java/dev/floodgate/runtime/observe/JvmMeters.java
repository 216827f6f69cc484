package dev.floodgate.runtime.observe;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The JVM's figures under Prometheus' naming conventions. They replace Helidon's built-in "base" meters
 * (helidon-metrics-system-meters is not on the class path): those are named {@code memory_usedHeap_bytes},
 * {@code thread_count}, {@code classloader_loadedClasses_count}... which {@code promtool check metrics} rejects
 * (camelCase, a {@code _count} suffix on gauges), and Helidon 4.2's {@code built-in-meter-name-format: SNAKE} only
 * fixes the case, not the suffixes. Every read is a local MXBean call: nothing here costs a scrape more than
 * microseconds.
 */
public final class JvmMeters {
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private JvmMeters() {
    }

    /** Registers the JVM meters once per JVM (several services may share one, as in the local stack). */
    public static void register() {
        if (!REGISTERED.compareAndSet(false, true)) {
            return;
        }
        MeterRegistry registry = Metrics.globalRegistry();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (String area : List.of("heap", "nonheap")) {
            Function<MemoryMXBean, MemoryUsage> usage = area.equals("heap")
                    ? MemoryMXBean::getHeapMemoryUsage : MemoryMXBean::getNonHeapMemoryUsage;
            gauge(registry, "jvm_memory_used_bytes", "memory in use", memory, m -> usage.apply(m).getUsed(), area);
            gauge(registry, "jvm_memory_committed_bytes", "memory the JVM has from the operating system", memory,
                    m -> usage.apply(m).getCommitted(), area);
            gauge(registry, "jvm_memory_max_bytes", "most memory the JVM may use (-1: no limit)", memory,
                    m -> usage.apply(m).getMax(), area);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        registry.getOrCreate(Gauge.builder("jvm_threads_live", threads, ThreadMXBean::getThreadCount)
                .description("live platform threads, daemon ones included"));
        registry.getOrCreate(Gauge.builder("jvm_threads_daemon", threads, ThreadMXBean::getDaemonThreadCount)
                .description("live daemon platform threads"));
        registry.getOrCreate(Gauge.builder("jvm_threads_peak", threads, ThreadMXBean::getPeakThreadCount)
                .description("most live platform threads since the JVM started"));
        registry.getOrCreate(Gauge.builder("jvm_classes_loaded", ManagementFactory.getClassLoadingMXBean(),
                b -> b.getLoadedClassCount()).description("classes loaded now"));
        registry.getOrCreate(Gauge.builder("jvm_uptime_seconds", ManagementFactory.getRuntimeMXBean(),
                b -> b.getUptime() / 1000.0).description("time since the JVM started"));
        registry.getOrCreate(Gauge.builder("system_load_average_1m", ManagementFactory.getOperatingSystemMXBean(),
                b -> b.getSystemLoadAverage()).description("the machine's load average over the last minute"));
        registry.getOrCreate(Gauge.builder("jvm_available_processors", Runtime.getRuntime(),
                r -> r.availableProcessors()).description("processors the JVM may use"));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // A ratio, not process_cpu_seconds_total: Helidon's functional counters count in whole numbers only.
            registry.getOrCreate(Gauge.builder("process_cpu_usage_ratio", os, b -> Math.max(0, b.getProcessCpuLoad()))
                    .description("share of the machine's CPU this process used recently (0 to 1)"));
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            registry.getOrCreate(FunctionalCounter.builder("jvm_gc_collections", gc,
                            b -> Math.max(0, b.getCollectionCount()))
                    .description("garbage collections run").tags(List.of(Tag.create("gc", gc.getName()))));
        }
    }

    private static <T> void gauge(MeterRegistry registry, String name, String help, T source, ToDoubleFunction<T> read,
                                  String area) {
        registry.getOrCreate(Gauge.builder(name, source, read).description(help)
                .tags(List.of(Tag.create("area", area))));
    }
}
