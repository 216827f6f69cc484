package dev.floodgate.grid;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.history.FiguresHistory;
import dev.floodgate.grid.inventory.GridSerializers;
import dev.floodgate.grid.inventory.HoldExpiry;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.queue.QueueState;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A service's handle on the grid: a Hazelcast member (embedded, the default) or a client of a cluster, with the
 * catalog and the inventory on top. Members also sweep expired holds of the partitions they own.
 */
public final class Grid implements AutoCloseable {
    /**
     * Stripes per category for new categories (recorded per category in the catalog; small categories get fewer,
     * see {@link dev.floodgate.grid.catalog.CategoryInfo#withStripesFor}). Stripes lend each other stock when one
     * runs dry, so "sold out" stays exact.
     */
    public static final int DEFAULT_STRIPES = 8;

    private final HazelcastInstance hz;
    private final boolean ownsInstance;
    private final Catalog catalog;
    private final Inventory inventory;
    private final HoldExpiry expiry;

    private Grid(HazelcastInstance hz, boolean ownsInstance, GridSettings settings, int stripes, Clock clock) {
        this.hz = hz;
        this.ownsInstance = ownsInstance;
        if (stripes < 1 || stripes > Inventory.MAX_STRIPES) {
            throw new IllegalArgumentException("stripes must be 1.." + Inventory.MAX_STRIPES);
        }
        this.catalog = new Catalog(hz, stripes);
        this.inventory = new Inventory(hz, catalog, clock);
        this.expiry = settings.role() == GridSettings.Role.MEMBER
                ? new HoldExpiry(hz, clock, settings.sweepInterval()) : null;
    }

    public static Grid start(GridSettings settings) {
        return start(settings, DEFAULT_STRIPES, Clock.systemUTC());
    }

    public static Grid start(GridSettings settings, int stripes, Clock clock) {
        HazelcastInstance hz = settings.role() == GridSettings.Role.MEMBER
                ? Hazelcast.newHazelcastInstance(memberConfig(settings))
                : HazelcastClient.newHazelcastClient(clientConfig(settings));
        return new Grid(hz, true, settings, stripes, clock);
    }

    /**
     * Starts a grid that the service built by {@code service} will own; if building the service fails, the grid is
     * closed again rather than left running.
     */
    public static <T> T startOwned(GridSettings settings, java.util.function.Function<Grid, T> service) {
        return startOwned(settings, DEFAULT_STRIPES, Clock.systemUTC(), service);
    }

    /** As {@link #startOwned(GridSettings, java.util.function.Function)} with a stripe count and a clock. */
    public static <T> T startOwned(GridSettings settings, int stripes, Clock clock,
                                   java.util.function.Function<Grid, T> service) {
        Grid grid = start(settings, stripes, clock);
        try {
            return service.apply(grid);
        } catch (RuntimeException | Error e) {
            grid.close();
            throw e;
        }
    }

    /**
     * Wraps an instance someone else started and stops (several services in one JVM sharing one member).
     * {@code stripes} is the stripe count given to new categories; existing ones keep the catalog's.
     */
    public static Grid shared(HazelcastInstance hz, GridSettings settings, int stripes, Clock clock) {
        return new Grid(hz, false, settings, stripes, clock);
    }

    /**
     * Hazelcast's start-up summary ("Cluster name: ...", version, banner) goes to this logger: kept at WARNING so the
     * cluster name, the grid's only admission check, stays out of the logs. A field, so the level is not lost with
     * a collected logger.
     */
    private static final java.util.logging.Logger HAZELCAST_SYSTEM_LOG =
            java.util.logging.Logger.getLogger("com.hazelcast.system");
    /** A client says "Trying to connect to cluster: <name>" here at INFO; its warnings still show. */
    private static final java.util.logging.Logger HAZELCAST_CLIENT_CONNECTION_LOG = java.util.logging.Logger.getLogger(
            "com.hazelcast.client.impl.connection.ClientConnectionManager");

    static {
        HAZELCAST_SYSTEM_LOG.setLevel(java.util.logging.Level.WARNING);
        HAZELCAST_CLIENT_CONNECTION_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    public static Config memberConfig(GridSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // The cluster name is the only thing keeping strangers out of an open-source grid: not in every log line.
        config.setProperty("hazelcast.logging.details.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "2");
        config.setProperty("hazelcast.max.no.heartbeat.seconds",
                Long.toString(Math.max(1, settings.heartbeatTimeout().toSeconds())));
        // A write whose backup did not answer in time (5 s) fails instead of succeeding: on the cut-off side of a
        // network split, the primary still applies it, but the majority never sees it and sells the same stock, and
        // the merge discards it. Failing, it was never acknowledged; the caller retries the same request (every grid
        // operation here is idempotent) and gets a definite answer from whichever side owns the partition by then.
        // NetworkSplitTest measured acknowledged holds lost (and more sold than the capacity) without this.
        config.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        if (settings.port() > 0) {
            config.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(false);
        }
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        GridSettings.Network network = settings.network();
        if (network.kubernetes()) {
            // Hazelcast's built-in Kubernetes discovery (inside the hazelcast jar) in DNS lookup mode: the headless
            // Service's name resolves to every member pod, and needs no access to the Kubernetes API.
            var kubernetes = join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", network.kubernetesServiceDns());
            if (network.kubernetesServicePort() > 0) {
                kubernetes.setProperty("service-port", Integer.toString(network.kubernetesServicePort()));
            }
            join.getTcpIpConfig().setEnabled(false);
        } else {
            // No members listed means alone: no join at all, so two local stacks (or a stack and a test) on one host
            // never merge into one cluster by finding each other on 127.0.0.1:5701+, and start-up skips the join wait.
            join.getTcpIpConfig().setEnabled(!settings.members().isEmpty()).setMembers(settings.members());
        }
        if (network.bindInterface().isEmpty()) {
            config.getNetworkConfig().getInterfaces().setEnabled(false);
        } else {
            // Bind only there (not on every interface) and advertise that address, unless a public one is given.
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(network.bindInterface());
            config.setProperty("hazelcast.socket.bind.any", "false");
        }
        if (!network.publicAddress().isEmpty()) {
            config.getNetworkConfig().setPublicAddress(network.publicAddress());
        }
        // Where backups go. ZONE: Hazelcast's ZONE_AWARE groups members by the zone attribute, which discovery
        // plugins fill in on clouds; static lists and the DNS-mode Kubernetes discovery give none, so each member
        // states its own (grid.zone). With backup-count 1 a whole zone can then be lost without losing an entry.
        switch (network.partitionGroup()) {
            case ZONE -> {
                config.getPartitionGroupConfig().setEnabled(true)
                        .setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
                config.getMemberAttributeConfig().setAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE,
                        network.zone());
            }
            case HOST -> config.getPartitionGroupConfig().setEnabled(true)
                    .setGroupType(PartitionGroupConfig.MemberGroupType.HOST_AWARE);
            case NONE -> config.getPartitionGroupConfig().setEnabled(false);
        }
        // Stock stripes are changed in place by entry processors: OBJECT format skips a deserialise/serialise per
        // hold, and the backups replay the processor rather than receive the whole stripe.
        config.addMapConfig(new MapConfig(Inventory.MAP).setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(settings.backupCount()));
        config.addMapConfig(new MapConfig(Catalog.MAP).setBackupCount(settings.backupCount()));
        // Queue state is advanced in place by an entry processor on every status read, so OBJECT format as well.
        config.addMapConfig(new MapConfig(QueueState.MAP).setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(settings.backupCount()));
        config.addMapConfig(new MapConfig(QueueState.SPOTS_MAP).setBackupCount(settings.backupCount()));
        config.addMapConfig(new MapConfig(QueueState.TOOK_MAP).setBackupCount(settings.backupCount()));
        FiguresHistory.configure(config, settings.backupCount());
        protectAgainstSplitBrain(config, settings.splitBrainMinClusterSize(), settings.heartbeatTimeout());
        GridSerializers.register(config.getSerializationConfig().getCompactSerializationConfig());
        return config;
    }

    /** The split-brain protection of the stock and queue maps (see {@link GridSettings#splitBrainMinClusterSize}). */
    public static final String SPLIT_BRAIN_PROTECTION = "floodgate-majority";

    private static void protectAgainstSplitBrain(Config config, int minClusterSize, java.time.Duration heartbeatTimeout) {
        if (minClusterSize <= 0) {
            return;
        }
        // Counted by recent heartbeats (within 2/5 of the heartbeat timeout: 8 s of 20), not by the member list,
        // which shrinks only at the heartbeat timeout: the cut-off member starts refusing about 10 s after a cut
        // instead of 20 (NetworkSplitTest measured 9.5 s vs 20.6 s). Not a hard guarantee: see NetworkSplitTest.
        config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(
                        SPLIT_BRAIN_PROTECTION, minClusterSize, (int) (heartbeatTimeout.toMillis() * 2 / 5)).build()
                .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
        // On merge the smaller side's entries are dropped: it could not change them (protection), and taking them
        // (PassThrough) or adding them (PutIfAbsent) could bring back stock the majority has since sold.
        for (String map : List.of(Inventory.MAP, QueueState.MAP, QueueState.SPOTS_MAP, QueueState.TOOK_MAP)) {
            config.getMapConfig(map).setSplitBrainProtectionName(SPLIT_BRAIN_PROTECTION)
                    .setMergePolicyConfig(new MergePolicyConfig(DiscardMergePolicy.class.getName(),
                            MergePolicyConfig.DEFAULT_BATCH_SIZE));
        }
    }

    public static ClientConfig clientConfig(GridSettings settings) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(settings.clusterName());
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.logging.details.enabled", "false");
        config.getNetworkConfig().setAddresses(settings.members());
        // Every grid operation Floodgate sends is idempotent (holds by id, loans and capacity edits by operation
        // id, the rest by state), so the client may resend one whose member died before answering.
        config.getNetworkConfig().setRedoOperation(true);
        // As the members' (see memberConfig): a client also waits for backups' acknowledgements (smart routing),
        // and must fail rather than acknowledge a write that may exist only on a cut-off member.
        config.setProperty("hazelcast.client.operation.fail.on.indeterminate.state", "true");
        config.setProperty("hazelcast.client.heartbeat.timeout", Long.toString(settings.heartbeatTimeout().toMillis()));
        GridSerializers.register(config.getSerializationConfig().getCompactSerializationConfig());
        return config;
    }

    public HazelcastInstance hazelcast() {
        return hz;
    }

    public Catalog catalog() {
        return catalog;
    }

    public Inventory inventory() {
        return inventory;
    }

    public Optional<HoldExpiry> expiry() {
        return Optional.ofNullable(expiry);
    }

    public boolean isRunning() {
        return hz.getLifecycleService().isRunning();
    }

    @Override
    public void close() {
        if (expiry != null) {
            expiry.close();
        }
        if (ownsInstance) {
            hz.shutdown();
        }
    }
}
