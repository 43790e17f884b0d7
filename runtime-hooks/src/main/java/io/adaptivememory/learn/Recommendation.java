package io.adaptivememory.learn;

import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.SlotSample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Static Flink settings from a history: what a TaskManager without the agent needs so that no
 * recorded consumer would have spilled, never less than what was in use.
 *
 * <p>A consumer lives in {@code [end - lifetime, end)} (at least 1 ms). Per TaskManager run
 * (one {@code tm} id) and slot, the <em>peak demand</em> of a family F is the largest sum of
 * {@link ConsumerRecord#demandBytes()} over F's consumers living at one time. The TaskManager's
 * <em>used</em> peak is the largest sum of {@code reserved_bytes} over its slots' samples taken at
 * one time stamp (the agent samples all slots of a TaskManager in one pass).
 *
 * <pre>
 *   weight(F)  = round(100 * demand(F) / demand(all)), at least 1 when F has any demand
 *   need(slot) = max_F  peak(slot, F) * sum_{G present in slot} weight(G) / weight(F)
 *   managed    = ceil_MiB( (1 + headroom) * max( max_tm used(tm),  slots * max_slot need(slot) ) )
 * </pre>
 *
 * Flink splits managed memory equally between slots and a slot's share between the families
 * present in it by weight, so {@code managed / slots * weight(F) / sum weights} is what F's
 * consumers of the hottest slot would get; {@code need} makes that cover their peak. The first
 * term is the guard: the recommendation is never below the memory the history shows in use at
 * once. The slot count is kept (the largest recorded): fewer slots would give each more memory
 * but change the cluster's parallelism, which this tool does not decide.
 */
public final class Recommendation {

    private static final long MIB = 1L << 20;

    /** What one TaskManager run showed. */
    public record TaskManagerRun(String taskManager, int slots, long configuredBytes, long usedPeakBytes,
            long usedPeakMillis, long demandPeakBytes, int hottestSlot, long hottestSlotNeedBytes) {}

    private final List<TaskManagerRun> runs;
    private final Map<ConsumerFamily, Long> familyDemandBytes;
    private final Map<ConsumerFamily, Integer> weights;
    private final int slots;
    private final long usedPeakBytes;
    private final long needBytes;
    private final long managedBytes;
    private final double headroom;
    private final ConsumerRecord worstSpill;

    private Recommendation(List<TaskManagerRun> runs, Map<ConsumerFamily, Long> familyDemandBytes,
            Map<ConsumerFamily, Integer> weights, double headroom, ConsumerRecord worstSpill) {
        this.runs = List.copyOf(runs);
        this.familyDemandBytes = familyDemandBytes;
        this.weights = weights;
        this.headroom = headroom;
        this.worstSpill = worstSpill;
        this.slots = runs.stream().mapToInt(TaskManagerRun::slots).max().orElseThrow();
        this.usedPeakBytes = runs.stream().mapToLong(TaskManagerRun::usedPeakBytes).max().orElseThrow();
        this.needBytes = runs.stream().mapToLong(TaskManagerRun::hottestSlotNeedBytes).max().orElseThrow() * slots;
        // to the byte first, so 1.1 x 720 MiB is 792 MiB and not a hair above it
        long wantedBytes = Math.round((1 + headroom) * Math.max(usedPeakBytes, needBytes));
        this.managedBytes = ceilMiB(wantedBytes) * MIB;
    }

    /** The recommendation for the consumers and slot samples of a history (at least one consumer). */
    public static Recommendation of(List<ConsumerRecord> consumers, List<SlotSample> samples, double headroom) {
        List<ConsumerRecord> usable = consumers.stream().filter(r -> r.lifetimeMillis() >= 0 && r.peakBytes() >= 0)
                .toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("the history has no consumer record with a measured peak and"
                    + " lifetime: nothing to recommend from");
        }
        Map<ConsumerFamily, Long> demand = new EnumMap<>(ConsumerFamily.class);
        for (ConsumerFamily f : ConsumerFamily.values()) {
            demand.put(f, 0L);
        }
        usable.forEach(r -> demand.merge(ConsumerFamily.of(r.kind()), r.demandBytes(), Long::sum));
        Map<ConsumerFamily, Integer> weights = weights(demand);

        // every TaskManager with samples counts, even one none of whose consumers is usable: its use is a floor
        Map<String, List<ConsumerRecord>> byTaskManager = new TreeMap<>();
        samples.forEach(s -> byTaskManager.computeIfAbsent(s.taskManager(), k -> new ArrayList<>()));
        usable.forEach(r -> byTaskManager.computeIfAbsent(r.taskManager(), k -> new ArrayList<>()).add(r));
        List<TaskManagerRun> runs = new ArrayList<>();
        byTaskManager.forEach((tm, records) -> runs.add(run(tm, records,
                samples.stream().filter(s -> s.taskManager().equals(tm)).toList(), weights)));
        ConsumerRecord worstSpill = usable.stream().filter(r -> r.spilledBytes() > 0)
                .max(Comparator.comparingLong(ConsumerRecord::spilledBytes)).orElse(null);
        return new Recommendation(runs, demand, weights, headroom, worstSpill);
    }

    private static Map<ConsumerFamily, Integer> weights(Map<ConsumerFamily, Long> demand) {
        double total = demand.values().stream().mapToLong(Long::longValue).sum();
        Map<ConsumerFamily, Integer> weights = new EnumMap<>(ConsumerFamily.class);
        demand.forEach((f, bytes) -> weights.put(f, total == 0 ? (f == ConsumerFamily.OPERATOR ? 100 : 0)
                : (int) Math.max(bytes > 0 ? 1 : 0, Math.round(100 * bytes / total))));
        return weights;
    }

    private static TaskManagerRun run(String tm, List<ConsumerRecord> records, List<SlotSample> samples,
            Map<ConsumerFamily, Integer> weights) {
        int slots = records.stream().mapToInt(ConsumerRecord::slots).max().orElse(1);
        long configured = records.stream().mapToLong(r -> r.shareBytes() * r.slots()).max().orElse(0);
        for (SlotSample s : samples) {
            slots = Math.max(slots, s.slots());
            configured = Math.max(configured, s.shareBytes() * s.slots());
        }
        Map<Long, Long> reservedAt = new TreeMap<>();
        samples.forEach(s -> reservedAt.merge(s.timeMillis(), Math.max(0, s.reservedBytes()), Long::sum));
        long usedPeak = 0;
        long usedPeakMillis = -1;
        for (Map.Entry<Long, Long> e : reservedAt.entrySet()) {
            if (e.getValue() > usedPeak) {
                usedPeak = e.getValue();
                usedPeakMillis = e.getKey();
            }
        }
        int hottestSlot = 0;
        long hottestNeed = 0;
        for (int slot = 0; slot < slots; slot++) {
            long need = slotNeed(records, slot, weights);
            if (need > hottestNeed) {
                hottestNeed = need;
                hottestSlot = slot;
            }
        }
        return new TaskManagerRun(tm, slots, configured, usedPeak, usedPeakMillis, peakDemand(records, r -> true),
                hottestSlot, hottestNeed);
    }

    private static long slotNeed(List<ConsumerRecord> records, int slot, Map<ConsumerFamily, Integer> weights) {
        Map<ConsumerFamily, Long> peaks = new EnumMap<>(ConsumerFamily.class);
        for (ConsumerFamily f : ConsumerFamily.values()) {
            long peak = peakDemand(records, r -> r.slot() == slot && ConsumerFamily.of(r.kind()) == f);
            if (peak > 0) {
                peaks.put(f, peak);
            }
        }
        int presentWeight = peaks.keySet().stream().mapToInt(weights::get).sum();
        long need = 0;
        for (Map.Entry<ConsumerFamily, Long> e : peaks.entrySet()) {
            need = Math.max(need, (long) Math.ceil((double) e.getValue() * presentWeight / weights.get(e.getKey())));
        }
        return need;
    }

    /** The largest sum of demand of the selected consumers living at one time (a sweep over start and end events). */
    static long peakDemand(List<ConsumerRecord> records, Predicate<ConsumerRecord> selected) {
        List<long[]> events = new ArrayList<>();
        for (ConsumerRecord r : records) {
            if (selected.test(r)) {
                long start = r.endMillis() - r.lifetimeMillis();
                events.add(new long[] {start, r.demandBytes()});
                events.add(new long[] {Math.max(r.endMillis(), start + 1), -r.demandBytes()});
            }
        }
        // at one instant, ends before starts: a consumer that ends as another starts hands over, not overlaps
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long live = 0;
        long peak = 0;
        for (long[] e : events) {
            live += e[1];
            peak = Math.max(peak, live);
        }
        return peak;
    }

    public long managedBytes() {
        return managedBytes;
    }

    public Map<ConsumerFamily, Integer> weights() {
        return weights;
    }

    public int slots() {
        return slots;
    }

    /** The most managed memory in use at once on any TaskManager run of the history. */
    public long usedPeakBytes() {
        return usedPeakBytes;
    }

    public List<TaskManagerRun> runs() {
        return runs;
    }

    /** The settings in Flink's config.yaml syntax, each after comments with its evidence and expected effect. */
    public String configYaml() {
        TaskManagerRun hot = runs.stream().max(Comparator.comparingLong(TaskManagerRun::hottestSlotNeedBytes))
                .orElseThrow();
        TaskManagerRun busy = runs.stream().max(Comparator.comparingLong(TaskManagerRun::usedPeakBytes))
                .orElseThrow();
        long slotShare = managedBytes / slots;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "# Recommended from %d TaskManager run(s), headroom %.0f %%.%n",
                runs.size(), 100 * headroom));
        out.append(String.format(Locale.ROOT,
                "# evidence: at most %s were reserved at once (TaskManager %s, sum over its slots at %d ms);"
                        + " configured now: %s (%s per slot)%n", mib(usedPeakBytes), busy.taskManager(),
                busy.usedPeakMillis(), mib(busy.configuredBytes()), mib(busy.configuredBytes() / busy.slots())));
        out.append(String.format(Locale.ROOT,
                "# evidence: the hottest slot (TaskManager %s, slot %d) needed %s at once (peak + spill of its"
                        + " live consumers, at its families' weights): x %d slots = %s%n", hot.taskManager(),
                hot.hottestSlot(), mib(hot.hottestSlotNeedBytes()), slots, mib(needBytes)));
        if (worstSpill != null) {
            out.append(String.format(Locale.ROOT,
                    "# effect: the %s consumer of vertex %s (%s, subtask %d) spilled %s at a share of %s; at this"
                            + " size its slot's share is %s and it needed %s: it would not spill%n",
                    worstSpill.kind().id(), worstSpill.vertex(), worstSpill.operator(), worstSpill.subtask(),
                    mib(worstSpill.spilledBytes()), mib(worstSpill.shareBytes()), mib(slotShare),
                    mib(worstSpill.demandBytes())));
        } else {
            out.append(String.format(Locale.ROOT,
                    "# effect: no consumer spilled; every slot gets %s, which covers the hottest slot's peak%n",
                    mib(slotShare)));
        }
        out.append(String.format(Locale.ROOT,
                "# with the adaptive-memory agent the TaskManager's concurrent peak demand, %s, would do:"
                        + " idle slots lend to the hot one%n",
                mib(runs.stream().mapToLong(TaskManagerRun::demandPeakBytes).max().orElseThrow())));
        out.append("taskmanager.memory.managed.size: ").append(ceilMiB(managedBytes)).append("m\n");

        long total = familyDemandBytes.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder shares = new StringBuilder();
        StringBuilder value = new StringBuilder();
        for (ConsumerFamily f : ConsumerFamily.values()) {
            shares.append(shares.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %s (%.1f %%)",
                    f, mib(familyDemandBytes.get(f)), total == 0 ? 0 : 100.0 * familyDemandBytes.get(f) / total));
            value.append(value.length() == 0 ? "" : ",").append(f).append(':').append(weights.get(f));
        }
        out.append("\n# evidence: demand by family: ").append(shares).append('\n');
        out.append("# effect: a slot's memory is split between its families as their demand was;"
                + " a weight of 0 means the history has no such consumer (raise it before running one)\n");
        out.append("taskmanager.memory.managed.consumer-weights: ").append(value).append('\n');

        out.append(String.format(Locale.ROOT,
                "%n# evidence: %d slots recorded; the hottest slot needed %s, %.0f %% of its TaskManager's"
                        + " concurrent peak demand%n", slots, mib(hot.hottestSlotNeedBytes()),
                hot.demandPeakBytes() == 0 ? 0 : 100.0 * hot.hottestSlotNeedBytes() / hot.demandPeakBytes()));
        out.append("# effect: kept; fewer slots would give each more memory but change the parallelism the"
                + " cluster offers, which this tool does not decide\n");
        out.append("taskmanager.numberOfTaskSlots: ").append(slots).append('\n');
        return out.toString();
    }

    private static long ceilMiB(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
