package io.adaptivememory.estimate;

import static io.adaptivememory.estimate.DemandEstimator.DEFAULT_MIN_OBSERVATIONS;
import static io.adaptivememory.estimate.DemandEstimator.DEFAULT_Z_SCORE;
import static io.adaptivememory.estimate.DemandEstimator.WAYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.estimate.Estimate.Source;
import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.api.Test;

import java.util.Map;

class DemandEstimatorTest {

    private static final long MIB = 1024 * 1024;
    private static final long VERTEX = 0x1234_5678_9ABCL;
    private static final long OTHER_VERTEX = 0x0FED_CBA9_8765L;
    private static final int PARALLELISM = 4;
    private static final long REQUESTED_BYTES = 128 * MIB;

    /** A prior that predicts twice the requested memory, with a fixed residual. */
    private static final class TwiceRequested implements DemandModel {
        private final double residualMiB;

        TwiceRequested(double residualMiB) {
            this.residualMiB = residualMiB;
        }

        @Override
        public double predictMiB(double[] features) {
            return 2 * features[2];
        }

        @Override
        public double residualMiB() {
            return residualMiB;
        }
    }

    private static void observeTimes(DemandEstimator estimator, long vertex, ConsumerKind kind, int times,
            long demandBytes) {
        for (int i = 0; i < times; i++) {
            estimator.observe(vertex, kind, i % PARALLELISM, PARALLELISM, REQUESTED_BYTES, demandBytes, demandBytes);
        }
    }

    private static Estimate estimate(DemandEstimator estimator, long vertex, ConsumerKind kind, int subtask) {
        Estimate out = new Estimate();
        estimator.estimate(vertex, kind, subtask, PARALLELISM, REQUESTED_BYTES, out);
        return out;
    }

    // ------------------------------------------------------------------------
    //  Sources
    // ------------------------------------------------------------------------

    @Test
    void estimate_fewerThanMinObservations_noEstimate() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS - 1, 100 * MIB);

        Estimate out = estimate(estimator, VERTEX, ConsumerKind.SORT, 0);

        assertEquals(Source.NONE, out.source());
        assertFalse(out.present());
        assertEquals(-1, out.demandBytes());
        assertEquals(-1, out.uncertaintyBytes());
        assertEquals(-1, out.upperBoundBytes());
        assertEquals(1, estimator.predictions(Source.NONE));
    }

    @Test
    void estimate_minObservationsOfAConstantDemand_keyGivesItWithoutUncertainty() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, 100 * MIB);

        Estimate out = estimate(estimator, VERTEX, ConsumerKind.SORT, 0);

        // The percentile never erred, the linear model did on its first sample: the percentile wins.
        assertEquals(Source.KEY, out.source());
        assertEquals(100 * MIB, out.demandBytes());
        assertEquals(0, out.uncertaintyBytes());
        assertEquals(100 * MIB, out.upperBoundBytes());
        assertEquals(1, estimator.predictions(Source.KEY));
    }

    @Test
    void estimate_keyAndKindHistory_keyBeatsKind() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, 100 * MIB);
        observeTimes(estimator, OTHER_VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, 10 * MIB);

        Estimate small = estimate(estimator, OTHER_VERTEX, ConsumerKind.SORT, 1);
        Estimate unseen = estimate(estimator, 42L, ConsumerKind.SORT, 1);

        assertEquals(Source.KEY, small.source());
        assertEquals(10 * MIB, small.demandBytes());
        // The kind pools both vertices: its estimate lies between them.
        assertEquals(Source.KIND, unseen.source());
        assertTrue(unseen.demandBytes() > 10 * MIB && unseen.demandBytes() < 100 * MIB, unseen::toString);
    }

    @Test
    void estimate_unseenVertexOfAKnownKind_kindFallback() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.HASH_JOIN, DEFAULT_MIN_OBSERVATIONS, 100 * MIB);

        Estimate sameKind = estimate(estimator, OTHER_VERTEX, ConsumerKind.HASH_JOIN, 2);
        Estimate otherKind = estimate(estimator, OTHER_VERTEX, ConsumerKind.SORT, 2);
        Estimate sameVertexOtherKind = estimate(estimator, VERTEX, ConsumerKind.SORT, 0);

        assertEquals(Source.KIND, sameKind.source());
        assertEquals(100 * MIB, sameKind.demandBytes());
        assertEquals(Source.NONE, otherKind.source());
        assertEquals(Source.NONE, sameVertexOtherKind.source());
        assertEquals(1, estimator.predictions(Source.KIND));
        assertEquals(2, estimator.predictions(Source.NONE));
    }

    @Test
    void estimate_noHistoryWithPrior_usesThePriorAndItsResidual() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        estimator.warmStart(Map.of(ConsumerKind.SORT, new TwiceRequested(8)), null);

        Estimate out = estimate(estimator, VERTEX, ConsumerKind.SORT, 0);

        assertEquals(Source.PRIOR, out.source());
        assertEquals(2 * REQUESTED_BYTES, out.demandBytes());
        assertEquals(8 * MIB, out.uncertaintyBytes());
        assertEquals(2 * REQUESTED_BYTES + (long) (DEFAULT_Z_SCORE * 8 * MIB), out.upperBoundBytes());
        assertEquals(Source.NONE, estimate(estimator, VERTEX, ConsumerKind.HASH_AGG, 0).source());
        assertEquals(1, estimator.predictions(Source.PRIOR));
    }

    @Test
    void estimate_fallbackPrior_coversKindsWithoutTheirOwn() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        estimator.warmStart(Map.of(ConsumerKind.SORT, new TwiceRequested(8)), new TwiceRequested(32));

        assertEquals(8 * MIB, estimate(estimator, VERTEX, ConsumerKind.SORT, 0).uncertaintyBytes());
        assertEquals(32 * MIB, estimate(estimator, VERTEX, ConsumerKind.ROCKSDB, 0).uncertaintyBytes());
    }

    @Test
    void estimate_priorAndHistory_keyBeatsPriorAndPriorBeatsKind() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        estimator.warmStart(Map.of(), new TwiceRequested(8));
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, 100 * MIB);
        observeTimes(estimator, OTHER_VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS - 1, 100 * MIB);

        assertEquals(Source.KEY, estimate(estimator, VERTEX, ConsumerKind.SORT, 0).source());
        assertEquals(Source.PRIOR, estimate(estimator, OTHER_VERTEX, ConsumerKind.SORT, 0).source());
        assertEquals(Source.PRIOR, estimate(estimator, 42L, ConsumerKind.SORT, 0).source());
    }

    @Test
    void estimate_priorOfAVertexWithOneRun_seesThatRunsFeatures() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        DemandModel previousDemand = new DemandModel() {
            @Override
            public double predictMiB(double[] features) {
                return features[4];
            }

            @Override
            public double residualMiB() {
                return 0;
            }
        };
        estimator.warmStart(Map.of(), previousDemand);
        estimator.observe(VERTEX, ConsumerKind.SORT, 3, PARALLELISM, REQUESTED_BYTES, MIB, 77 * MIB);

        assertEquals(77 * MIB, estimate(estimator, VERTEX, ConsumerKind.SORT, 3).demandBytes());
        assertEquals(0, estimate(estimator, VERTEX, ConsumerKind.SORT, 2).demandBytes());
    }

    // ------------------------------------------------------------------------
    //  Skew
    // ------------------------------------------------------------------------

    @Test
    void estimate_subtaskAlwaysTenTimesItsSiblings_perSubtaskEstimates() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        long sibling = 64 * MIB;
        long hot = 10 * sibling;
        for (int run = 0; run < 10; run++) {
            for (int subtask = 0; subtask < PARALLELISM; subtask++) {
                long demand = subtask == 3 ? hot : sibling;
                estimator.observe(VERTEX, ConsumerKind.SORT, subtask, PARALLELISM, REQUESTED_BYTES, 2 * demand,
                        demand);
            }
        }

        Estimate hotEstimate = estimate(estimator, VERTEX, ConsumerKind.SORT, 3);
        assertEquals(Source.KEY, hotEstimate.source());
        assertEquals(hot, hotEstimate.demandBytes(), MIB);
        for (int subtask = 0; subtask < 3; subtask++) {
            Estimate siblingEstimate = estimate(estimator, VERTEX, ConsumerKind.SORT, subtask);
            assertEquals(Source.KEY, siblingEstimate.source());
            assertEquals(sibling, siblingEstimate.demandBytes(), MIB);
        }
    }

    // ------------------------------------------------------------------------
    //  Bounded memory
    // ------------------------------------------------------------------------

    @Test
    void observe_moreKeysThanOneWindow_evictsTheLeastRecentlyObserved() {
        DemandEstimator estimator = DemandEstimator.builder().maxKeys(WAYS).build();
        int vertices = WAYS + 12;
        for (long v = 0; v < vertices; v++) {
            observeTimes(estimator, v, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, 10 * MIB);
        }

        assertEquals(WAYS, estimator.keys());
        assertEquals(vertices - WAYS, estimator.evictions());
        for (long v = 0; v < vertices; v++) {
            Source expected = v >= vertices - WAYS ? Source.KEY : Source.KIND;
            assertEquals(expected, estimate(estimator, v, ConsumerKind.SORT, 0).source(), "vertex " + v);
        }
    }

    @Test
    void observe_manyKeys_neverHoldsMoreThanMaxKeys() {
        int maxKeys = 64;
        DemandEstimator estimator = DemandEstimator.builder().maxKeys(maxKeys).maxSubtasks(4).build();
        int distinct = 0;
        for (long v = 0; v < 500; v++) {
            for (ConsumerKind kind : new ConsumerKind[] {ConsumerKind.SORT, ConsumerKind.HASH_AGG}) {
                estimator.observe(v * 0x9E37_79B9L, kind, 0, 1, MIB, MIB, MIB);
                distinct++;
                assertTrue(estimator.keys() <= maxKeys);
            }
        }
        assertEquals(distinct, estimator.keys() + estimator.evictions());
        assertEquals(distinct, estimator.observations());
    }

    @Test
    void observe_subtaskBeyondMaxSubtasks_learnsWithoutPreviousRun() {
        DemandEstimator estimator = DemandEstimator.builder().maxSubtasks(2).build();
        DemandModel previousDemand = new DemandModel() {
            @Override
            public double predictMiB(double[] features) {
                return features[4];
            }

            @Override
            public double residualMiB() {
                return 0;
            }
        };
        estimator.warmStart(Map.of(), previousDemand);
        estimator.observe(VERTEX, ConsumerKind.SORT, 1, PARALLELISM, REQUESTED_BYTES, MIB, 5 * MIB);
        estimator.observe(VERTEX, ConsumerKind.SORT, 2, PARALLELISM, REQUESTED_BYTES, MIB, 7 * MIB);

        assertEquals(5 * MIB, estimate(estimator, VERTEX, ConsumerKind.SORT, 1).demandBytes());
        assertEquals(0, estimate(estimator, VERTEX, ConsumerKind.SORT, 2).demandBytes());
        assertEquals(2, estimator.observations());
    }

    @Test
    void observe_negativeDemand_ignored() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, DEFAULT_MIN_OBSERVATIONS, -1);

        assertEquals(0, estimator.observations());
        assertEquals(0, estimator.keys());
        assertEquals(Source.NONE, estimate(estimator, VERTEX, ConsumerKind.SORT, 0).source());
    }

    @Test
    void observe_longConstantHistory_resetsAreCountedAndTheEstimateHolds() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, 1200, 100 * MIB);

        assertTrue(estimator.resets() > 0);
        assertEquals(100 * MIB, estimate(estimator, VERTEX, ConsumerKind.SORT, 0).demandBytes(), MIB);
    }

    // ------------------------------------------------------------------------
    //  Allocation
    // ------------------------------------------------------------------------

    @Test
    void estimate_afterWarmUp_allocatesNothingFromAnySource() {
        DemandEstimator estimator = DemandEstimator.builder().build();
        estimator.warmStart(Map.of(ConsumerKind.HASH_JOIN, new TwiceRequested(8)), null);
        observeTimes(estimator, VERTEX, ConsumerKind.SORT, 40, 100 * MIB);
        Estimate out = new Estimate();
        long[] sink = new long[1];

        long allocated = Allocations.afterWarmUp(() -> {
            for (int n = 0; n < 10_000; n++) {
                sink[0] += estimator.estimate(VERTEX, ConsumerKind.SORT, n % 8, PARALLELISM, REQUESTED_BYTES, out);
                sink[0] += estimator.estimate(VERTEX, ConsumerKind.HASH_JOIN, 0, PARALLELISM, REQUESTED_BYTES, out);
                sink[0] += estimator.estimate(n, ConsumerKind.SORT, 0, PARALLELISM, REQUESTED_BYTES, out);
                sink[0] += estimator.estimate(VERTEX, ConsumerKind.PYTHON, 0, PARALLELISM, REQUESTED_BYTES, out);
                sink[0] += out.upperBoundBytes();
            }
        });

        assertEquals(0, allocated);
        for (Source source : Source.values()) {
            assertTrue(estimator.predictions(source) > 0, source.name());
        }
    }

    @Test
    void observe_afterWarmUp_allocatesNothingEvenWhenEvicting() {
        DemandEstimator estimator = DemandEstimator.builder().maxKeys(16).build();
        long[] vertex = new long[1];
        long allocated = Allocations.afterWarmUp(() -> {
            for (int n = 0; n < 10_000; n++) {
                estimator.observe(vertex[0]++ % 40, ConsumerKind.SORT, n % 8, PARALLELISM, REQUESTED_BYTES, n, n * 3L);
            }
        });

        assertEquals(0, allocated);
        assertTrue(estimator.evictions() > 0);
    }

    @Test
    void builder_outOfRange_rejected() {
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().maxKeys(0));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().maxSubtasks(-1));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().minObservations(0));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().zScore(-1));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().recentDemands(0));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().percentile(0));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().forgetting(2));
        assertThrows(IllegalArgumentException.class, () -> DemandEstimator.builder().covariance(1, 1).build());
    }
}
