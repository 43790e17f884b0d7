package io.adaptivememory.bench.cluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * A session cluster embedded in the test JVM: one JobManager and one TaskManager with 4 slots
 * and 256 MiB of managed memory (64 MiB per slot), jobs submitted over its REST endpoint.
 * The agent attached to this JVM governs its TaskManager with the policy chosen at start.
 */
public final class EmbeddedCluster implements SessionCluster {

    public static final int SLOTS = 4;
    public static final long MANAGED_BYTES = 256L << 20;
    public static final long SLOT_BYTES = MANAGED_BYTES / SLOTS;

    private final MiniCluster cluster;
    private final URI rest;
    private final int slots;

    private EmbeddedCluster(MiniCluster cluster, URI rest, int slots) {
        this.cluster = cluster;
        this.rest = rest;
        this.slots = slots;
    }

    /** Starts a cluster whose TaskManager runs the given agent policy. */
    public static EmbeddedCluster start(String policy) throws Exception {
        return start(policy, Map.of());
    }

    public static EmbeddedCluster start(String policy, Map<String, String> extra) throws Exception {
        return start(policy, SLOTS, extra);
    }

    /**
     * Starts a cluster whose one TaskManager has {@code slots} slots of {@link #SLOT_BYTES} managed
     * memory each (so jobs submitted with {@link #clientConfig()}'s default parallelism of
     * {@link #SLOTS} leave the other slots free for a second job).
     */
    public static EmbeddedCluster start(String policy, int slots, Map<String, String> extra) throws Exception {
        System.setProperty("adaptive.memory.policy", policy);
        Map<String, String> conf = new HashMap<>();
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        conf.put("taskmanager.memory.managed.size", ((slots * SLOT_BYTES) >> 20) + "m");
        conf.put("taskmanager.memory.network.min", "128m");
        conf.put("taskmanager.memory.network.max", "128m");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.port", "0");
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.host", "127.0.0.1");
        conf.putAll(extra);
        Configuration configuration = Configuration.fromMap(conf);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new EmbeddedCluster(cluster, cluster.getRestAddress().get(), slots);
    }

    /** The TaskManager's number of slots. */
    public int slots() {
        return slots;
    }

    /** The TaskManager's managed memory: {@link #SLOT_BYTES} per slot. */
    public long managedBytes() {
        return slots * SLOT_BYTES;
    }

    @Override
    public Map<String, String> clientConfig() {
        Map<String, String> conf = new HashMap<>();
        conf.put("execution.target", "remote");
        conf.put("rest.address", rest.getHost());
        conf.put("rest.port", String.valueOf(rest.getPort()));
        conf.put("parallelism.default", String.valueOf(SLOTS));
        conf.put("execution.batch.adaptive.auto-parallelism.enabled", "false");
        return conf;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
        System.clearProperty("adaptive.memory.policy");
    }
}
