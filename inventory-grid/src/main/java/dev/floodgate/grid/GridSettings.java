package dev.floodgate.grid;

import java.time.Duration;
import java.util.List;

/**
 * How a service reaches the grid.
 *
 * @param clusterName    Hazelcast cluster name; members and clients of one deployment share it
 * @param role           whether this process is a member (stores data) or a client (stores none)
 * @param members        addresses (host or host:port) of members to join or connect to; empty = alone
 * @param port           member port (0 = let Hazelcast pick from 5701 upwards); ignored for clients
 * @param backupCount    synchronous backups of every stock entry; 1 survives the loss of one member
 * @param sweepInterval  how often a member returns the expired holds of its own partitions to stock
 */
public record GridSettings(String clusterName, Role role, List<String> members, int port, int backupCount,
                           Duration sweepInterval) {
    public enum Role { MEMBER, CLIENT }

    public GridSettings {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("grid cluster name is required");
        }
        members = List.copyOf(members);
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("grid backup count must be 0..6");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("grid sweep interval must be positive");
        }
        if (role == Role.CLIENT && members.isEmpty()) {
            throw new IllegalArgumentException("a grid client needs member addresses");
        }
    }

    /**
     * Reads the {@code grid} config node: {@code cluster-name}, {@code role} (member|client), {@code members}
     * (list), {@code port}, {@code backup-count}, {@code sweep-interval-millis}.
     */
    public static GridSettings from(io.helidon.common.config.Config grid) {
        return new GridSettings(
                grid.get("cluster-name").asString().orElse("floodgate"),
                Role.valueOf(grid.get("role").asString().orElse("member").toUpperCase(java.util.Locale.ROOT)),
                grid.get("members").asList(String.class).orElse(List.of()),
                grid.get("port").asInt().orElse(0),
                grid.get("backup-count").asInt().orElse(1),
                Duration.ofMillis(grid.get("sweep-interval-millis").asLong().orElse(1_000L)));
    }

    /** A lone embedded member: the local stack's and the tests' default. */
    public static GridSettings embedded(String clusterName) {
        return new GridSettings(clusterName, Role.MEMBER, List.of(), 0, 1, Duration.ofSeconds(1));
    }
}
