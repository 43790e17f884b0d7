package io.adaptivememory.simulate;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.history.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Replays a recorded history through the agent's own {@code TaskManagerPool} and
 * {@code AllocationPolicy}, one fresh pool per TaskManager, to compare policies on the same
 * workload without a cluster. Each TaskManager's pool has {@code slots x share} bytes (the largest
 * slot count and share its records name) and the agent's default settings for the policy;
 * {@link TaskManagerReplay} runs the clock and the controller, {@link ReplayedConsumer} says how
 * each kind of consumer uses the pool. Deterministic: the same history and policy give the same
 * result.
 */
public final class Simulator {

    private Simulator() {}

    /** Replays {@code consumers} (in any order) under {@code variant}. */
    public static SimulationResult run(List<ConsumerRecord> consumers, PolicyVariant variant) {
        Settings settings = settingsFor(variant.kind());
        Map<String, List<ConsumerRecord>> byTaskManager = new TreeMap<>();
        for (ConsumerRecord r : consumers) {
            byTaskManager.computeIfAbsent(r.taskManager(), tm -> new ArrayList<>()).add(r);
        }
        Tally tally = new Tally();
        for (List<ConsumerRecord> records : byTaskManager.values()) {
            TaskManagerReplay.replay(records, variant, settings, tally);
        }
        return tally.result(variant.name());
    }

    /** The agent's settings for {@code kind} with every other property at its default. */
    static Settings settingsFor(PolicyKind kind) {
        Properties properties = new Properties();
        properties.setProperty(Settings.POLICY, kind.id());
        return Settings.from(properties);
    }
}
