package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.SlotSample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic history with a known generative model, written as static Flink (the agent with
 * {@code policy=static}) would record it, for replaying and for training demand models.
 *
 * <h2>Generative model</h2>
 *
 * Parameters: runs R, TaskManagers N, slots per TaskManager S, slot share M bytes, skew s, seed.
 * Every job runs with parallelism p = N &middot; S; subtask i runs in TaskManager i / S, slot
 * i mod S, and has one managed-memory consumer whose Flink plan (requested and granted bytes) is
 * the whole share M. Each run r = 0..R-1 runs the five jobs below one after another on all
 * slots, 5 s apart; a job's id is {@code r<run>-<name>}, its vertex the same in every run.
 *
 * <table>
 *   <tr><th>job</th><th>kind</th><th>rows (base)</th><th>bytes per row</th><th>split</th>
 *       <th>demand D from input bytes b</th><th>noise &sigma;</th></tr>
 *   <tr><td>sortagg-skewed</td><td>sort</td><td>1,500,000</td><td>100</td><td>skewed</td>
 *       <td>1.15 b</td><td>0.05</td></tr>
 *   <tr><td>sort-balanced</td><td>sort</td><td>1,600,000</td><td>100</td><td>even</td>
 *       <td>1.15 b</td><td>0.05</td></tr>
 *   <tr><td>hashjoin-skewed</td><td>hash_join</td><td>800,000</td><td>120</td><td>skewed</td>
 *       <td>1.3 b + b<sup>2</sup> / 256 MiB</td><td>0.08</td></tr>
 *   <tr><td>datastream-sort</td><td>datastream_sort</td><td>600,000</td><td>100</td><td>even</td>
 *       <td>1.1 b</td><td>0.05</td></tr>
 *   <tr><td>rocksdb-state</td><td>rocksdb</td><td>2,000,000</td><td>50</td><td>even</td>
 *       <td>M (the cache takes the whole share)</td><td>0</td></tr>
 * </table>
 *
 * <ul>
 *   <li>Rows of a job in run r: N<sub>r</sub> = base &middot; (1 + 0.05 r) &middot;
 *       e<sup>0.1 z</sup>, z ~ N(0, 1): data volume drifts up 5 % per run, with 10 % noise.
 *   <li>Split: even gives every subtask N<sub>r</sub> / p rows; skewed gives subtask 0 the share s
 *       of the rows and each other subtask (1 - s) / (p - 1) (with p = 1 the one subtask gets all).
 *   <li>Input bytes b = rows &middot; bytes per row; demand D = f(b) &middot; e<sup>&sigma; z</sup>
 *       with a fresh z per consumer (the hash join's quadratic term stands for its growing
 *       bucket array and recursion: a linear model does not fit it exactly).
 *   <li>Lifetime: 2 s + rows / 250,000 rows per second for the batch jobs (a job lasts as long
 *       as its slowest subtask), 60 s for {@code rocksdb-state}.
 *   <li>Recorded as static Flink: a lazy consumer (sort, hash_join) holds peak = min(D, M) and
 *       spills D - peak; an eager one (datastream_sort, rocksdb) holds its whole plan, peak = M,
 *       and the DataStream sort spills max(0, D - M), RocksDB nothing. So the recorded demand
 *       (peak + spilled) is D for lazy consumers and max(D, M) for eager ones. Spill files:
 *       ceil(spilled / M); never denied.
 *   <li>Time to peak: a lazy consumer's demand ramps linearly over 80 % of its lifetime, so it
 *       reaches its peak at 0.8 &middot; lifetime &middot; peak / D; an eager one at 0.
 *   <li>predicted_bytes: the recorded demand of the same vertex and subtask in the previous run
 *       (-1 in the first run), i.e. a last-value estimator.
 *   <li>Slot samples: every second of a consumer's life, its slot's reserved bytes (min(peak,
 *       D &middot; elapsed / ramp) for lazy consumers, M for eager ones), no earmark, entitlement
 *       M, and the consumer's prediction.
 * </ul>
 *
 * Everything is drawn from one {@link Random} seeded with the seed, in a fixed order, so a seed
 * gives the same history byte for byte.
 */
public final class SyntheticHistory {

    /** The first run's start (epoch milliseconds); fixed so a seed gives the same files. */
    static final long EPOCH_MILLIS = 1_700_000_000_000L;
    static final long JOB_GAP_MILLIS = 5_000;
    static final long BATCH_STARTUP_MILLIS = 2_000;
    static final double ROWS_PER_SECOND = 250_000;
    static final long STREAMING_LIFETIME_MILLIS = 60_000;
    static final double DRIFT_PER_RUN = 0.05;
    static final double VOLUME_NOISE = 0.1;
    static final double RAMP_FRACTION = 0.8;
    static final long SAMPLE_MILLIS = 1_000;
    private static final double MIB = 1024.0 * 1024.0;

    /** The generator's parameters; {@code shareBytes} is every slot's share M. */
    public record Parameters(int runs, int taskManagers, int slotsPerTaskManager, long shareBytes, double skew,
            long seed) {}

    /** What was generated; consumer records in the order the agent would write them (by end time). */
    public record Generated(List<ConsumerRecord> consumers, List<SlotSample> slots) {}

    private enum Demand { SORT, HASH_JOIN, DATASTREAM_SORT, ROCKSDB }

    private record Job(String name, String operator, ConsumerKind kind, long baseRows, long rowBytes, boolean skewed,
            Demand demand, double noise) {}

    static final List<Job> JOBS = List.of(
            new Job("sortagg-skewed", "SortAggregate", ConsumerKind.SORT, 1_500_000, 100, true, Demand.SORT, 0.05),
            new Job("sort-balanced", "Sort", ConsumerKind.SORT, 1_600_000, 100, false, Demand.SORT, 0.05),
            new Job("hashjoin-skewed", "HashJoin", ConsumerKind.HASH_JOIN, 800_000, 120, true, Demand.HASH_JOIN,
                    0.08),
            new Job("datastream-sort", "KeyedReduce", ConsumerKind.DATASTREAM_SORT, 600_000, 100, false,
                    Demand.DATASTREAM_SORT, 0.05),
            new Job("rocksdb-state", "KeyedProcess", ConsumerKind.ROCKSDB, 2_000_000, 50, false, Demand.ROCKSDB, 0));

    private final Parameters p;
    private final Random random;
    private final Map<String, Long> previousDemand = new HashMap<>();
    private final List<ConsumerRecord> consumers = new ArrayList<>();
    private final List<SlotSample> samples = new ArrayList<>();

    private SyntheticHistory(Parameters parameters) {
        this.p = parameters;
        this.random = new Random(parameters.seed());
    }

    /** Generates the history the model above describes. */
    public static Generated generate(Parameters parameters) {
        SyntheticHistory h = new SyntheticHistory(parameters);
        long startMillis = EPOCH_MILLIS;
        for (int run = 0; run < parameters.runs(); run++) {
            for (Job job : JOBS) {
                startMillis = h.runJob(job, run, startMillis) + JOB_GAP_MILLIS;
            }
        }
        h.consumers.sort(Comparator.comparingLong(ConsumerRecord::endMillis));
        h.samples.sort(Comparator.comparingLong(SlotSample::timeMillis));
        return new Generated(List.copyOf(h.consumers), List.copyOf(h.samples));
    }

    /** Every slot of the job's run; returns when its last subtask ended. */
    private long runJob(Job job, int run, long startMillis) {
        int parallelism = p.taskManagers() * p.slotsPerTaskManager();
        double rows = job.baseRows() * (1 + DRIFT_PER_RUN * run) * Math.exp(VOLUME_NOISE * random.nextGaussian());
        String jobId = "r" + run + "-" + job.name();
        String vertex = Integer.toHexString(job.name().hashCode());
        long lastEndMillis = startMillis;
        for (int subtask = 0; subtask < parallelism; subtask++) {
            long subtaskRows = Math.round(rows * rowShare(job, subtask, parallelism));
            long inputBytes = subtaskRows * job.rowBytes();
            long demand = Math.round(
                    demandOf(job.demand(), inputBytes, p.shareBytes()) * Math.exp(job.noise() * random.nextGaussian()));
            long lifetime = job.kind() == ConsumerKind.ROCKSDB ? STREAMING_LIFETIME_MILLIS
                    : BATCH_STARTUP_MILLIS + Math.round(1000 * subtaskRows / ROWS_PER_SECOND);
            boolean lazy = job.kind() == ConsumerKind.SORT || job.kind() == ConsumerKind.HASH_JOIN;
            long peak = lazy ? Math.min(demand, p.shareBytes()) : p.shareBytes();
            long spilled = job.kind() == ConsumerKind.ROCKSDB ? 0 : Math.max(0, demand - peak);
            long rampMillis = Math.round(RAMP_FRACTION * lifetime);
            long timeToPeak = lazy && demand > 0 ? Math.round((double) rampMillis * peak / demand) : 0;
            String key = vertex + "/" + subtask;
            long predicted = previousDemand.getOrDefault(key, -1L);
            previousDemand.put(key, peak + spilled);
            String tm = "synthetic-" + (subtask / p.slotsPerTaskManager()) + "-1";
            int slot = subtask % p.slotsPerTaskManager();
            long endMillis = startMillis + lifetime;
            consumers.add(new ConsumerRecord(endMillis, tm, jobId, vertex, job.operator(), job.kind(), subtask,
                    parallelism, slot, p.slotsPerTaskManager(), p.shareBytes(), p.shareBytes(), p.shareBytes(),
                    predicted, predicted, peak, timeToPeak, lifetime, spilled, (spilled + p.shareBytes() - 1) / p.shareBytes(),
                    false, subtaskRows, inputBytes));
            for (long t = startMillis; t <= endMillis; t += SAMPLE_MILLIS) {
                long reserved = lazy ? Math.min(peak, Math.round((double) demand * (t - startMillis)
                        / Math.max(1, rampMillis))) : p.shareBytes();
                samples.add(new SlotSample(t, tm, jobId, slot, p.slotsPerTaskManager(), p.shareBytes(), reserved, 0,
                        p.shareBytes(), predicted));
            }
            lastEndMillis = Math.max(lastEndMillis, endMillis);
        }
        return lastEndMillis;
    }

    private double rowShare(Job job, int subtask, int parallelism) {
        if (!job.skewed() || parallelism == 1) {
            return 1.0 / parallelism;
        }
        return subtask == 0 ? p.skew() : (1 - p.skew()) / (parallelism - 1);
    }

    private static double demandOf(Demand demand, long inputBytes, long shareBytes) {
        double b = inputBytes;
        return switch (demand) {
            case SORT -> 1.15 * b;
            case HASH_JOIN -> 1.3 * b + b * b / (256 * MIB);
            case DATASTREAM_SORT -> 1.1 * b;
            case ROCKSDB -> shareBytes;
        };
    }
}
