package io.adaptivememory.pool;

import static io.adaptivememory.pool.PoolFixtures.PAGE_BYTES;
import static io.adaptivememory.pool.PoolFixtures.SLOTS;
import static io.adaptivememory.pool.PoolFixtures.SLOT_BYTES;
import static io.adaptivememory.pool.PoolFixtures.TOTAL_BYTES;
import static io.adaptivememory.pool.PoolFixtures.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Randomized stress of the lock-free reserve and release paths, with slots opened and closed
 * under the workers' feet and a controller thread rebalancing and expiring earmarks. Seeds are
 * fixed; the interleaving is not, so every check is one that must hold under any interleaving.
 */
class TaskManagerPoolConcurrencyTest {

    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 150_000;
    /** More cells than configured slots, so registration sometimes has to take floors from slack. */
    private static final int CELLS = SLOTS + 2;
    private static final long SEED = 0xC0FFEE_42L;
    private static final long JOIN_TIMEOUT_SECONDS = 120;

    @ParameterizedTest
    @EnumSource(PolicyKind.class)
    void stress_randomOperations_invariantsHoldAndEverythingComesBack(PolicyKind kind) throws Exception {
        double reserveFraction = kind == PolicyKind.ADAPTIVE ? 0.05 : 0.0;
        // A zero reclaim timeout keeps eager plans from parking: this test never waits on time.
        TaskManagerPool pool = pool(kind, reserveFraction, 0);
        AtomicReferenceArray<SlotAccount> cells = new AtomicReferenceArray<>(CELLS);
        for (int c = 0; c < CELLS; c++) {
            cells.set(c, pool.register("job", "initial-" + c, guaranteeFor(c)));
        }

        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Counters counters = new Counters();
        CountDownLatch start = new CountDownLatch(1);

        Thread monitor = new Thread(() -> monitor(pool, running, counters, failures), "monitor");
        Thread controller = new Thread(() -> control(pool, running, counters, failures), "controller");
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Worker w = new Worker(pool, cells, new SplittableRandom(SEED + 31L * t + kind.ordinal()), counters);
            workers.add(w);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    w.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "worker-" + t);
            threads.add(thread);
        }
        monitor.start();
        controller.start();
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(JOIN_TIMEOUT_SECONDS));
            assertFalse(t.isAlive(), t.getName() + " still running");
        }
        running.set(false);
        monitor.join();
        controller.join();
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " failures, first: " + failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }

        String afterJoin = pool.checkInvariants();
        assertNull(afterJoin, "after join");

        // Every consumer gives back what it reserved; unused earmarks expire.
        for (Worker w : workers) {
            w.releaseEverything();
        }
        long expireNow = System.nanoTime();
        for (SlotAccount s : pool.slots()) {
            pool.expireEarmark(s, expireNow, 0);
        }
        assertNull(pool.checkInvariants(), "after release");
        long liveFloors = 0;
        long unallocatedFloors = SLOTS * pool.defaultFloorBytes();
        for (SlotAccount s : pool.slots()) {
            assertEquals(0, s.heldBytes(), s + " still holds memory");
            assertEquals(0, s.earmarkedBytes(), s + " still has an earmark");
            liveFloors += s.floorBytes();
            unallocatedFloors -= s.floorFromUnallocated;
        }
        assertEquals(TOTAL_BYTES - liveFloors - unallocatedFloors, pool.slackBytes(), "slack with live slots");
        assertEquals(0, pool.statistics().accountingErrors(), "accounting errors");

        for (SlotAccount s : pool.slots()) {
            pool.unregister(s);
        }
        assertNull(pool.checkInvariants(), "after closing every slot");
        assertEquals(TOTAL_BYTES - SLOTS * pool.defaultFloorBytes(), pool.slackBytes(), "idle slack");

        System.out.printf(
                "%s: %d ops (%d reserves granted, %d refused, %d releases, %d eager plans, %d expiries, "
                        + "%d slot replacements), %d controller ticks, %d monitor samples, %d loans, "
                        + "%d shortfalls%n",
                kind.id(),
                counters.ops.get(),
                counters.granted.get(),
                counters.refused.get(),
                counters.releases.get(),
                counters.earmarks.get(),
                counters.expiries.get(),
                counters.replacements.get(),
                counters.ticks.get(),
                counters.samples.get(),
                pool.statistics().loans(),
                pool.statistics().shortfalls());
        assertEquals((long) THREADS * OPS_PER_THREAD, counters.ops.get());
        assertTrue(counters.granted.get() > 0 && counters.refused.get() > 0, "both outcomes exercised");
        assertTrue(counters.replacements.get() > 0, "slots were replaced");
    }

    private static long guaranteeFor(int cell) {
        // Mostly Flink's default slot, sometimes a fine-grained smaller or larger one.
        switch (cell % 3) {
            case 1:
                return SLOT_BYTES / 2;
            case 2:
                return SLOT_BYTES + SLOT_BYTES / 2;
            default:
                return SLOT_BYTES;
        }
    }

    /**
     * Samples the pool while it runs. Slack is one atomic, so slack >= 0 is checked on every
     * sample. The sum of held bytes is read slot by slot, which can tear (a release in a slot
     * already read plus a reservation in one not yet read), so it is only judged when two
     * consecutive collects agree slot by slot.
     */
    private static void monitor(TaskManagerPool pool, AtomicBoolean running, Counters counters, Queue<Throwable> failures) {
        long[] first = new long[CELLS * 4];
        long[] second = new long[CELLS * 4];
        try {
            while (running.get()) {
                long slack = pool.slackBytes();
                if (slack < 0) {
                    failures.add(new AssertionError("slack " + slack + " < 0"));
                    return;
                }
                SlotAccount[] slots = pool.slots();
                if (slots.length > first.length) {
                    continue;
                }
                long sum = 0;
                for (int i = 0; i < slots.length; i++) {
                    first[i] = slots[i].heldBytes();
                }
                boolean stable = pool.slots() == slots;
                for (int i = 0; i < slots.length && stable; i++) {
                    second[i] = slots[i].heldBytes();
                    stable = first[i] == second[i];
                    sum += second[i];
                }
                if (stable && sum > pool.totalBytes()) {
                    failures.add(new AssertionError("held " + sum + " > total " + pool.totalBytes()));
                    return;
                }
                counters.samples.incrementAndGet();
                Thread.onSpinWait();
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    /** The controller's work, as {@code Controller.tick} does it, without its timer. */
    private static void control(TaskManagerPool pool, AtomicBoolean running, Counters counters, Queue<Throwable> failures) {
        long ttlNanos = TimeUnit.MILLISECONDS.toNanos(1);
        try {
            while (running.get()) {
                long now = System.nanoTime();
                pool.policy().rebalance(pool, now);
                for (SlotAccount s : pool.slots()) {
                    pool.expireEarmark(s, now, ttlNanos);
                }
                counters.ticks.incrementAndGet();
                Thread.onSpinWait();
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    static final class Counters {
        final AtomicLong ops = new AtomicLong();
        final AtomicLong granted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong releases = new AtomicLong();
        final AtomicLong earmarks = new AtomicLong();
        final AtomicLong expiries = new AtomicLong();
        final AtomicLong replacements = new AtomicLong();
        final AtomicLong ticks = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
    }

    /** One task thread: uses whichever slot a cell holds now and remembers what it reserved where. */
    static final class Worker {
        private final TaskManagerPool pool;
        private final AtomicReferenceArray<SlotAccount> cells;
        private final SplittableRandom rnd;
        private final Counters counters;
        private final Map<SlotAccount, long[]> reserved = new IdentityHashMap<>();

        Worker(TaskManagerPool pool, AtomicReferenceArray<SlotAccount> cells, SplittableRandom rnd, Counters counters) {
            this.pool = pool;
            this.cells = cells;
            this.rnd = rnd;
            this.counters = counters;
        }

        void run() {
            long granted = 0;
            long refused = 0;
            long releases = 0;
            long earmarks = 0;
            long expiries = 0;
            long replacements = 0;
            for (int op = 0; op < OPS_PER_THREAD; op++) {
                int cell = rnd.nextInt(CELLS);
                SlotAccount slot = cells.get(cell);
                long[] mine = reserved.computeIfAbsent(slot, k -> new long[1]);
                int kind = rnd.nextInt(1000);
                if (kind < 5) {
                    SlotAccount fresh = pool.register("job", "cell-" + cell + "-" + op, guaranteeFor(rnd.nextInt(3)));
                    if (cells.compareAndSet(cell, slot, fresh)) {
                        pool.unregister(slot);
                        replacements++;
                    } else {
                        pool.unregister(fresh);
                    }
                } else if (kind < 480) {
                    long bytes = randomPages();
                    if (pool.reserve(slot, bytes)) {
                        mine[0] += bytes;
                        granted++;
                    } else {
                        refused++;
                    }
                } else if (kind < 940) {
                    if (mine[0] > 0) {
                        long bytes = PAGE_BYTES * (1 + rnd.nextInt((int) (mine[0] / PAGE_BYTES)));
                        pool.release(slot, bytes);
                        mine[0] -= bytes;
                        releases++;
                    }
                } else if (kind < 980) {
                    long plan = PAGE_BYTES * (1 + rnd.nextInt((int) (slot.guaranteeBytes() / PAGE_BYTES)));
                    long planned = pool.earmarkPlanBytes(slot, plan, Math.min(plan, 16 * PAGE_BYTES));
                    if (planned < 0 || planned > plan) {
                        throw new AssertionError("plan " + planned + " for " + plan);
                    }
                    earmarks++;
                } else {
                    pool.expireEarmark(slot, System.nanoTime(), 0);
                    expiries++;
                }
                if (pool.grantableBytes(slot) < 0) {
                    throw new AssertionError("negative grantable for " + slot);
                }
            }
            counters.ops.addAndGet(OPS_PER_THREAD);
            counters.granted.addAndGet(granted);
            counters.refused.addAndGet(refused);
            counters.releases.addAndGet(releases);
            counters.earmarks.addAndGet(earmarks);
            counters.expiries.addAndGet(expiries);
            counters.replacements.addAndGet(replacements);
        }

        /** Mostly a few pages, sometimes a large request, as sorters and hash tables make. */
        private long randomPages() {
            int pages = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(1024) : 1 + rnd.nextInt(64);
            return pages * PAGE_BYTES;
        }

        /** Gives back everything this thread reserved; releases to closed slots are ignored. */
        void releaseEverything() {
            for (Map.Entry<SlotAccount, long[]> e : reserved.entrySet()) {
                pool.release(e.getKey(), e.getValue()[0]);
                e.getValue()[0] = 0;
            }
        }
    }
}
