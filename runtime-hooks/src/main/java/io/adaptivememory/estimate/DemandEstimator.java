package io.adaptivememory.estimate;

import io.adaptivememory.estimate.Estimate.Source;
import io.adaptivememory.history.ConsumerKind;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The online demand estimator of one TaskManager: predicts a managed-memory consumer's demand
 * (bytes: peak held plus spilled) when its cap is decided, and learns from every consumer that
 * ends.
 *
 * <h2>The estimation rule</h2>
 *
 * A consumer is known by its key {@code (vertex, kind)} (the vertex is a hash of the task's name
 * without its subtask suffix, so it is the same in every run of the same job graph), its subtask,
 * its vertex's parallelism and the bytes Flink plans to give it. Its feature vector {@code x}
 * ({@link Features}) carries that plan, {@code 1/parallelism} and the same key and subtask's
 * previous run (input bytes and demand), so one model per key can tell a skewed subtask from its
 * siblings. Each key keeps two predictors, fed with every observation {@code y} (demand in MiB):
 * <ul>
 *   <li>{@link RecursiveLeastSquares}: {@code m(x) = w.x}, the source document's
 *       {@code R = a*DataRate + b*OperatorComplexity + c*Parallelism} fitted online with
 *       forgetting 0.98, with {@code sigma_m}, the root mean square of its a-priori errors
 *       {@code y - m(x)};</li>
 *   <li>{@link DemandPercentile}: {@code q}, the p95 of the key's last 16 demands (SQL Server's
 *       memory grant feedback), with {@code sigma_q}, the root mean square of {@code q - y}
 *       scored the same way, before each {@code y} is added.</li>
 * </ul>
 * Both error averages weigh an error {@code k} observations old by {@code 0.9^k}: they measure
 * how each predictor does lately.
 * The estimate is the predictor that has lately been more accurate on data it had not seen:
 * <pre>
 *   (demand, uncertainty) = (max(0, m(x)), sigma_m)   if sigma_m &lt; sigma_q
 *                           (q,            sigma_q)   otherwise (a tie included)
 *   upper bound           = demand + z * uncertainty                        (z = 2 by default)
 * </pre>
 * Not {@code max(m, q)}: {@code q} pools all of a key's subtasks, so under key skew it is the hot
 * subtask's demand and the maximum would give every sibling the hot one's memory. Where the linear
 * model explains the demand (skew through the previous-demand feature, demand proportional to
 * input) its error is smaller and it wins; where it does not (non-linear consumers, the first
 * observations, right after a change) the percentile is the better and more conservative guess.
 * The upper bound is what the agent protects of a lender's guarantee: it lends less when unsure.
 *
 * <p>The sources, tried in order, and why each exists:
 * <ol>
 *   <li>{@link Source#KEY}: the key has at least {@code minObservations} (default 3) observations:
 *       the rule above on its own predictors. Best: same operator, same job graph.</li>
 *   <li>{@link Source#PRIOR}: a model trained offline on the whole history ({@link #warmStart}):
 *       {@code demand = prior(x)}, {@code uncertainty = prior.residualMiB()}, with {@code x}
 *       holding the key's previous run if this TaskManager saw one. It covers a key's first runs
 *       on this TaskManager (after a restart, or a vertex that ran on other
 *       TaskManagers), and it is validated on held-out data, which the local kind pool is not.</li>
 *   <li>{@link Source#KIND}: the rule above on the predictors of all keys of the kind on this
 *       TaskManager, when they have at least {@code minObservations}: a new job's sorter likely
 *       resembles the last jobs' sorters more than it resembles nothing.</li>
 *   <li>{@link Source#NONE}: demand -1; the agent behaves as without an estimator. Guessing from
 *       fewer observations would make the agent lend on noise.</li>
 * </ol>
 *
 * <h2>Memory and eviction</h2>
 *
 * Every key's state is preallocated at construction: {@code maxKeys} (default 1024) states,
 * each with arrays for {@code maxSubtasks} (default 256) subtasks' previous runs (about
 * {@code 16 * maxSubtasks + 1000} bytes, some 5 MB at the defaults), plus one state per kind. Keys
 * are placed by open addressing on the primitive {@code long} key: a key lives in one of the
 * {@value #WAYS} consecutive slots from its hash (a set-associative cache, as CPU caches are).
 * A new key takes a free slot of its window, else evicts the least recently observed key of it
 * (counted). Subtasks at or above {@code maxSubtasks} are estimated and learned without a previous
 * run.
 *
 * <h2>Threads</h2>
 *
 * {@link #estimate} runs on task threads, any number at once, without locks or allocation: each
 * key's state is guarded by a seqlock ({@link SequenceLock}); readers retry a read that overlapped
 * a write, and give up (no estimate) after a few tries. A seqlock, not copy-on-write snapshots,
 * because a state's previous runs are kilobytes and would be copied at every observation.
 * {@link #observe} and {@link #warmStart} may come from any thread but are serialised (in the
 * agent, the history writer alone observes). Counters are read by the metrics thread.
 */
public final class DemandEstimator {

    public static final int DEFAULT_MAX_KEYS = 1024;
    public static final int DEFAULT_MAX_SUBTASKS = 256;
    public static final int DEFAULT_MIN_OBSERVATIONS = 3;
    public static final double DEFAULT_Z_SCORE = 2.0;
    /** How many slots a key may occupy: bounds every probe. */
    static final int WAYS = 8;

    private static final ConsumerKind[] KINDS = ConsumerKind.values();
    private static final Source[] SOURCES = Source.values();

    private final DemandState[] keyStates;
    private final DemandState[] kindStates;
    private final int minObservations;
    private final double zScore;
    private final int ways;
    private volatile DemandModel[] priors = new DemandModel[KINDS.length];
    private final AtomicLongArray predictions = new AtomicLongArray(SOURCES.length);

    // Observer state, guarded by this.
    private final double[] observedFeatures = new double[Features.SIZE];
    private long tick;
    // Written under this, read by the metrics thread.
    private volatile long observations;
    private volatile long evictions;
    private volatile long resets;
    private volatile int keys;

    private DemandEstimator(Builder b) {
        this.minObservations = b.minObservations;
        this.zScore = b.zScore;
        this.ways = Math.min(WAYS, b.maxKeys);
        this.keyStates = new DemandState[b.maxKeys];
        for (int i = 0; i < keyStates.length; i++) {
            keyStates[i] = b.newState(b.maxSubtasks);
        }
        this.kindStates = new DemandState[KINDS.length];
        for (ConsumerKind kind : KINDS) {
            kindStates[kind.ordinal()] = b.newState(0);
            kindStates[kind.ordinal()].claim(kind.ordinal(), 0);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sets the offline-trained models: {@code priors} per kind, {@code fallback} (may be null) for
     * kinds without their own. Replaces earlier priors; estimates see the old or the new set.
     */
    public synchronized void warmStart(Map<ConsumerKind, DemandModel> priors, DemandModel fallback) {
        DemandModel[] next = new DemandModel[KINDS.length];
        for (ConsumerKind kind : KINDS) {
            DemandModel own = priors.get(kind);
            next[kind.ordinal()] = own != null ? own : fallback;
        }
        this.priors = next;
    }

    /**
     * Estimates a consumer's demand into {@code out} by the rule of the class comment; returns
     * {@code out.demandBytes()}, -1 without an estimate. Allocates nothing. {@code out} belongs to
     * the calling thread.
     */
    public long estimate(long vertexKey, ConsumerKind kind, int subtask, int parallelism, long requestedBytes,
            Estimate out) {
        long key = key(vertexKey, kind);
        DemandState state = find(key);
        double[] x = out.features;
        if (state != null) {
            state.fillFeatures(key, subtask, parallelism, requestedBytes, x);
        } else {
            Features.fill(x, parallelism, requestedBytes, -1, -1);
        }
        if (state == null || !state.predict(key, x, minObservations, Source.KEY, zScore, out)) {
            DemandModel prior = priors[kind.ordinal()];
            if (prior != null) {
                out.set(Source.PRIOR, Features.bytes(prior.predictMiB(x)), Features.bytes(prior.residualMiB()),
                        zScore);
            } else if (!kindStates[kind.ordinal()].predict(kind.ordinal(), x, minObservations, Source.KIND,
                    zScore, out)) {
                out.clear();
            }
        }
        predictions.incrementAndGet(out.source().ordinal());
        return out.demandBytes();
    }

    /**
     * Grant feedback's input: the larger of the last two demands of subtask {@code subtask} (at
     * {@code parallelism}) of this vertex and kind, -1 when it has not run here. Unlike
     * {@link #estimate}, never a model's or another subtask's figure. Allocates nothing.
     */
    public long recentDemandBytes(long vertexKey, ConsumerKind kind, int subtask, int parallelism) {
        long key = key(vertexKey, kind);
        DemandState state = find(key);
        return state == null ? -1 : state.recentDemandBytes(key, subtask, parallelism);
    }

    /**
     * Learns one ended consumer: updates its key's and its kind's predictors with the features of
     * its previous run, then stores this run as the subtask's previous one. A negative
     * {@code demandBytes} (not measured) is ignored. Allocates nothing.
     */
    public synchronized void observe(long vertexKey, ConsumerKind kind, int subtask, int parallelism,
            long requestedBytes, long inputBytes, long demandBytes) {
        if (demandBytes < 0) {
            return;
        }
        long key = key(vertexKey, kind);
        long now = ++tick;
        DemandState state = findOrClaim(key, now);
        double[] x = observedFeatures;
        state.fillFeatures(key, subtask, parallelism, requestedBytes, x);
        int newResets = 0;
        if (state.record(x, subtask, parallelism, inputBytes, demandBytes, now)) {
            newResets++;
        }
        if (kindStates[kind.ordinal()].record(x, -1, parallelism, inputBytes, demandBytes, now)) {
            newResets++;
        }
        resets += newResets;
        observations++;
    }

    // ------------------------------------------------------------------------
    //  Counters
    // ------------------------------------------------------------------------

    /** Estimates made so far whose result came from {@code source}. */
    public long predictions(Source source) {
        return predictions.get(source.ordinal());
    }

    /** Observations learned (ignored ones not counted). */
    public long observations() {
        return observations;
    }

    /** (vertex, kind) keys held now; at most {@code maxKeys}. */
    public int keys() {
        return keys;
    }

    /** Keys evicted to make room for new ones. */
    public long evictions() {
        return evictions;
    }

    /** Covariance resets of all models ({@link RecursiveLeastSquares}, bounded covariance). */
    public long resets() {
        return resets;
    }

    // ------------------------------------------------------------------------
    //  The key table
    // ------------------------------------------------------------------------

    /** Vertex and kind mixed into one key (SplitMix64's finaliser, a bijection). */
    static long key(long vertexKey, ConsumerKind kind) {
        long z = vertexKey + 0x9E3779B97F4A7C15L * (kind.ordinal() + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private DemandState find(long key) {
        int first = Math.floorMod(key, keyStates.length);
        for (int i = 0; i < ways; i++) {
            DemandState state = keyStates[(first + i) % keyStates.length];
            if (state.holds(key)) {
                return state;
            }
        }
        return null;
    }

    private DemandState findOrClaim(long key, long now) {
        DemandState found = find(key);
        if (found != null) {
            return found;
        }
        int first = Math.floorMod(key, keyStates.length);
        DemandState victim = null;
        for (int i = 0; i < ways; i++) {
            DemandState state = keyStates[(first + i) % keyStates.length];
            if (!state.occupied()) {
                victim = state;
                break;
            }
            if (victim == null || state.lastObservedTick() < victim.lastObservedTick()) {
                victim = state;
            }
        }
        if (victim.occupied()) {
            evictions++;
        } else {
            keys++;
        }
        victim.claim(key, now);
        return victim;
    }

    // ------------------------------------------------------------------------
    //  Configuration
    // ------------------------------------------------------------------------

    /** Settings, with their defaults in the fields; setters reject values out of range. */
    public static final class Builder {
        private int maxKeys = DEFAULT_MAX_KEYS;
        private int maxSubtasks = DEFAULT_MAX_SUBTASKS;
        private int minObservations = DEFAULT_MIN_OBSERVATIONS;
        private double zScore = DEFAULT_Z_SCORE;
        private int recentDemands = DemandPercentile.DEFAULT_CAPACITY;
        private double percentile = DemandPercentile.DEFAULT_PERCENTILE;
        private double forgetting = RecursiveLeastSquares.DEFAULT_FORGETTING;
        private double initialCovariance = RecursiveLeastSquares.DEFAULT_INITIAL_COVARIANCE;
        private double covarianceTraceLimit = RecursiveLeastSquares.DEFAULT_COVARIANCE_TRACE_LIMIT;
        private double errorForgetting = RecursiveLeastSquares.DEFAULT_ERROR_FORGETTING;

        private Builder() {}

        /** How many (vertex, kind) keys are remembered; all are preallocated. */
        public Builder maxKeys(int maxKeys) {
            this.maxKeys = atLeast("maxKeys", maxKeys, 1);
            return this;
        }

        /** Subtasks {@code 0..maxSubtasks-1} of a key remember their previous run. */
        public Builder maxSubtasks(int maxSubtasks) {
            this.maxSubtasks = atLeast("maxSubtasks", maxSubtasks, 0);
            return this;
        }

        /** Observations a key (or a kind) needs before it is trusted. */
        public Builder minObservations(int minObservations) {
            this.minObservations = atLeast("minObservations", minObservations, 1);
            return this;
        }

        /** {@code z} of {@code upper bound = demand + z * uncertainty}. */
        public Builder zScore(double zScore) {
            if (!(zScore >= 0 && Double.isFinite(zScore))) {
                throw new IllegalArgumentException("zScore must be finite and at least 0, got " + zScore);
            }
            this.zScore = zScore;
            return this;
        }

        /** The size of each key's ring of recent demands. */
        public Builder recentDemands(int recentDemands) {
            this.recentDemands = atLeast("recentDemands", recentDemands, 1);
            return this;
        }

        /** The percentile taken of the ring, in (0, 1]. */
        public Builder percentile(double percentile) {
            if (!(percentile > 0 && percentile <= 1)) {
                throw new IllegalArgumentException("percentile must be in (0, 1], got " + percentile);
            }
            this.percentile = percentile;
            return this;
        }

        /** RLS's {@code lambda}, in (0, 1]. */
        public Builder forgetting(double forgetting) {
            RecursiveLeastSquares.checkForgetting("forgetting", forgetting);
            this.forgetting = forgetting;
            return this;
        }

        /** The forgetting of both predictors' a-priori error averages, in (0, 1]. */
        public Builder errorForgetting(double errorForgetting) {
            RecursiveLeastSquares.checkForgetting("error forgetting", errorForgetting);
            this.errorForgetting = errorForgetting;
            return this;
        }

        /**
         * RLS's {@code delta} and covariance trace limit; {@link #build()} rejects them as
         * {@link RecursiveLeastSquares}'s constructor does.
         */
        public Builder covariance(double initialCovariance, double covarianceTraceLimit) {
            this.initialCovariance = initialCovariance;
            this.covarianceTraceLimit = covarianceTraceLimit;
            return this;
        }

        public DemandEstimator build() {
            return new DemandEstimator(this);
        }

        private DemandState newState(int subtasks) {
            return new DemandState(
                    new RecursiveLeastSquares(forgetting, initialCovariance, covarianceTraceLimit, errorForgetting),
                    new DemandPercentile(recentDemands, percentile, errorForgetting), subtasks);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
