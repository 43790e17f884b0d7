package io.adaptivememory.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.estimate.Estimate.Source;
import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One observer thread and four estimating threads on random data, with a key table small enough
 * to evict under the readers' feet. The observer gives every consumer the same input and demand
 * bytes, so a consistent read of a subtask's previous run has equal input and demand features: a
 * torn read would not.
 */
class DemandEstimatorConcurrencyTest {

    private static final long SEED = 0xC0_5EC_10CL;
    private static final int READERS = 4;
    private static final int OBSERVATIONS = 40_000;
    private static final int VERTICES = 48;
    private static final int SUBTASKS = 8;
    private static final ConsumerKind[] KINDS = {ConsumerKind.SORT, ConsumerKind.HASH_JOIN};
    private static final long MAX_DEMAND_BYTES = 1L << 40;
    private static final long JOIN_TIMEOUT_SECONDS = 60;

    @Test
    void estimate_concurrentWithObserve_everyEstimateConsistentFiniteAndNonNegative() throws Exception {
        DemandEstimator estimator = DemandEstimator.builder().maxKeys(64).maxSubtasks(SUBTASKS).build();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean observing = new AtomicBoolean(true);
        AtomicLong estimates = new AtomicLong();
        AtomicLong fromKeys = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);

        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            SplittableRandom rnd = new SplittableRandom(SEED + 1 + r);
            threads.add(new Thread(() -> {
                Estimate out = new Estimate();
                await(start);
                while (observing.get()) {
                    long vertex = rnd.nextInt(VERTICES);
                    ConsumerKind kind = KINDS[rnd.nextInt(KINDS.length)];
                    int subtask = rnd.nextInt(SUBTASKS);
                    long demand = estimator.estimate(vertex, kind, subtask, SUBTASKS, rnd.nextLong(MAX_DEMAND_BYTES), out);
                    estimates.incrementAndGet();
                    if (out.source() == Source.KEY) {
                        fromKeys.incrementAndGet();
                    }
                    String problem = check(out, demand);
                    if (problem != null) {
                        failures.add(problem);
                    }
                }
            }, "estimator-" + r));
        }
        SplittableRandom rnd = new SplittableRandom(SEED);
        threads.add(new Thread(() -> {
            await(start);
            try {
                for (int n = 0; n < OBSERVATIONS; n++) {
                    // Mostly moderate demands, sometimes huge or zero, to drive resets and clamps.
                    long bytes = switch (rnd.nextInt(10)) {
                        case 0 -> 0;
                        case 1 -> rnd.nextLong(MAX_DEMAND_BYTES);
                        default -> rnd.nextLong(1L << 30);
                    };
                    estimator.observe(rnd.nextInt(VERTICES), KINDS[rnd.nextInt(KINDS.length)], rnd.nextInt(SUBTASKS),
                            SUBTASKS, rnd.nextLong(1L << 30), bytes, bytes);
                }
            } finally {
                observing.set(false);
            }
        }, "observer"));

        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(JOIN_TIMEOUT_SECONDS));
            assertTrue(!t.isAlive(), t.getName() + " still running");
        }

        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, the first: " + failures.peek());
        assertEquals(OBSERVATIONS, estimator.observations());
        assertTrue(estimator.keys() <= 64);
        long counted = 0;
        for (Source source : Source.values()) {
            counted += estimator.predictions(source);
        }
        assertEquals(estimates.get(), counted);
        assertTrue(fromKeys.get() > 0, "no estimate came from a key");
    }

    private static String check(Estimate out, long demand) {
        double[] x = out.features;
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return "non-finite feature in " + Arrays.toString(x);
            }
        }
        if (x[5] == 1.0 && x[1] != x[4]) {
            return "torn previous run: input " + x[1] + " MiB, demand " + x[4] + " MiB";
        }
        if (demand != out.demandBytes()) {
            return "returned " + demand + " but holder says " + out;
        }
        if (!out.present()) {
            return out.demandBytes() == -1 && out.uncertaintyBytes() == -1 && out.upperBoundBytes() == -1
                    ? null : "no estimate but values: " + out;
        }
        if (out.demandBytes() < 0 || out.uncertaintyBytes() < 0 || out.upperBoundBytes() < out.demandBytes()) {
            return "bad estimate " + out;
        }
        return null;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
