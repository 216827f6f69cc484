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
 * @param network        where a member binds, what it advertises, and how it finds the others in Kubernetes
 * @param splitBrainMinClusterSize  0 = off (a lone embedded member); else a member refuses reads and writes of the
 *                       stock and queue maps while it sees fewer members than this (the minority of a network
 *                       split sells nothing), and those maps merge back discarding the minority's entries
 * @param heartbeatTimeout how long a member (or client) hears nothing from another before counting it gone. On a
 *                       network cut nothing is refused or reset, so until then every call sent to the unreachable
 *                       member waits, and the majority keeps the cut-off member's partitions (their backups are not
 *                       promoted); Hazelcast's default is 60 s, a minute of stalled holds in a drop. Too short, a long
 *                       GC pause or a saturated host gets a healthy member thrown out (and merged back later).
 */
public record GridSettings(String clusterName, Role role, List<String> members, int port, int backupCount,
                           Duration sweepInterval, Network network, int splitBrainMinClusterSize,
                           Duration heartbeatTimeout) {
    /** See {@link #heartbeatTimeout}: 20 s, ten of the members' 2-second heartbeats. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

    public enum Role { MEMBER, CLIENT }

    /**
     * How a member's backups are placed (Hazelcast partition groups). {@code NONE}: any other member (Hazelcast's
     * default, one group per member); {@code ZONE}: never in the same zone as the primary ({@code ZONE_AWARE}, zone
     * from {@link Network#zone}), so losing a whole zone loses no entry; {@code HOST}: never on the same host (IP
     * address) as the primary ({@code HOST_AWARE}).
     */
    public enum PartitionGroup { NONE, ZONE, HOST }

    /**
     * A member's network identity. Hazelcast by default listens on every interface and advertises one address it
     * picks itself; on a host with several interfaces (or behind NAT) it can pick one the other members cannot
     * reach, hence these.
     *
     * @param bindInterface         "" = Hazelcast's choice; else an interface address or pattern ({@code 10.0.*.*}):
     *                              the member binds only there and advertises that address
     * @param publicAddress         "" = the bound address; else {@code host[:port]} told to other members and clients
     * @param kubernetesServiceDns  "" = no Kubernetes discovery; else the DNS name of the members' headless Service
     *                              ({@code floodgate-grid.floodgate.svc.cluster.local}): members find each other by
     *                              DNS lookup (Hazelcast's built-in Kubernetes discovery, DNS mode)
     * @param kubernetesServicePort the members' port behind that name; 0 = Hazelcast's default (5701)
     * @param partitionGroup        where backups go relative to their primary ({@link PartitionGroup})
     * @param zone                  this member's zone (e.g. {@code eu-west-1a}); required by {@code ZONE}, "" else
     */
    public record Network(String bindInterface, String publicAddress, String kubernetesServiceDns,
                          int kubernetesServicePort, PartitionGroup partitionGroup, String zone) {
        public static final Network DEFAULTS = new Network("", "", "", 0);

        public Network {
            bindInterface = bindInterface == null ? "" : bindInterface.strip();
            publicAddress = publicAddress == null ? "" : publicAddress.strip();
            kubernetesServiceDns = kubernetesServiceDns == null ? "" : kubernetesServiceDns.strip();
            partitionGroup = partitionGroup == null ? PartitionGroup.NONE : partitionGroup;
            zone = zone == null ? "" : zone.strip();
            if (kubernetesServicePort < 0 || kubernetesServicePort > 65_535) {
                throw new IllegalArgumentException("grid.kubernetes.service-port must be 0..65535");
            }
        }

        /** Backups placed by Hazelcast's default (any other member). */
        public Network(String bindInterface, String publicAddress, String kubernetesServiceDns,
                       int kubernetesServicePort) {
            this(bindInterface, publicAddress, kubernetesServiceDns, kubernetesServicePort, PartitionGroup.NONE, "");
        }

        public boolean kubernetes() {
            return !kubernetesServiceDns.isEmpty();
        }
    }

    public GridSettings {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("grid cluster name is required");
        }
        members = List.copyOf(members);
        network = network == null ? Network.DEFAULTS : network;
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("grid backup count must be 0..6");
        }
        if (splitBrainMinClusterSize < 0) {
            throw new IllegalArgumentException("grid.split-brain-protection.min-cluster-size must be 0 (off) or more");
        }
        heartbeatTimeout = heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout;
        if (heartbeatTimeout.compareTo(Duration.ofSeconds(5)) < 0 || heartbeatTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("grid.heartbeat-timeout-millis must be 5000..300000");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("grid sweep interval must be positive");
        }
        if (role == Role.CLIENT && members.isEmpty()) {
            throw new IllegalArgumentException("a grid client needs member addresses");
        }
        if (role == Role.MEMBER && network.kubernetes() && !members.isEmpty()) {
            // One discovery per member: two would let a member join whichever answers first.
            throw new IllegalArgumentException("set either grid.members or grid.kubernetes.service-dns, not both");
        }
        if (role == Role.MEMBER && network.partitionGroup() == PartitionGroup.ZONE && network.zone().isEmpty()) {
            // Hazelcast would refuse the member later, and only once a second one joins: say it at start-up.
            throw new IllegalArgumentException("grid.partition-group: zone needs grid.zone (this member's zone)");
        }
    }

    /** As the canonical constructor with the default heartbeat timeout. */
    public GridSettings(String clusterName, Role role, List<String> members, int port, int backupCount,
                        Duration sweepInterval, Network network, int splitBrainMinClusterSize) {
        this(clusterName, role, members, port, backupCount, sweepInterval, network, splitBrainMinClusterSize,
                DEFAULT_HEARTBEAT_TIMEOUT);
    }

    /** As the canonical constructor without split-brain protection. */
    public GridSettings(String clusterName, Role role, List<String> members, int port, int backupCount,
                        Duration sweepInterval, Network network) {
        this(clusterName, role, members, port, backupCount, sweepInterval, network, 0);
    }

    /** As the canonical constructor with the default network (Hazelcast's own choices, no Kubernetes). */
    public GridSettings(String clusterName, Role role, List<String> members, int port, int backupCount,
                        Duration sweepInterval) {
        this(clusterName, role, members, port, backupCount, sweepInterval, Network.DEFAULTS);
    }

    /**
     * Reads the {@code grid} config node: {@code cluster-name}, {@code role} (member|client), {@code members}
     * (list), {@code port}, {@code backup-count}, {@code sweep-interval-millis}, {@code interface},
     * {@code public-address}, {@code kubernetes.service-dns}, {@code kubernetes.service-port},
     * {@code partition-group} (none|zone|host), {@code zone}, {@code split-brain-protection.min-cluster-size},
     * {@code heartbeat-timeout-millis}.
     */
    public static GridSettings from(io.helidon.common.config.Config grid) {
        return new GridSettings(
                grid.get("cluster-name").asString().orElse("floodgate"),
                Role.valueOf(grid.get("role").asString().orElse("member").toUpperCase(java.util.Locale.ROOT)),
                grid.get("members").asList(String.class).orElse(List.of()),
                grid.get("port").asInt().orElse(0),
                grid.get("backup-count").asInt().orElse(1),
                Duration.ofMillis(grid.get("sweep-interval-millis").asLong().orElse(1_000L)),
                new Network(grid.get("interface").asString().orElse(""),
                        grid.get("public-address").asString().orElse(""),
                        grid.get("kubernetes.service-dns").asString().orElse(""),
                        grid.get("kubernetes.service-port").asInt().orElse(0),
                        PartitionGroup.valueOf(grid.get("partition-group").asString().orElse("none").strip()
                                .toUpperCase(java.util.Locale.ROOT)),
                        grid.get("zone").asString().orElse("")),
                grid.get("split-brain-protection.min-cluster-size").asInt().orElse(0),
                Duration.ofMillis(grid.get("heartbeat-timeout-millis").asLong()
                        .orElse(DEFAULT_HEARTBEAT_TIMEOUT.toMillis())));
    }

    /** A lone embedded member: the local stack's and the tests' default. */
    public static GridSettings embedded(String clusterName) {
        return new GridSettings(clusterName, Role.MEMBER, List.of(), 0, 1, Duration.ofSeconds(1));
    }

    /** Without the cluster name: it is the grid's only admission check (open source has no authentication). */
    @Override
    public String toString() {
        return "GridSettings[role=" + role + ", members=" + members + ", port=" + port + ", backupCount=" + backupCount
                + ", sweepInterval=" + sweepInterval + ", network=" + network + ", splitBrainMinClusterSize="
                + splitBrainMinClusterSize + ", heartbeatTimeout=" + heartbeatTimeout + "]";
    }
}
