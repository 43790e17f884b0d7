package io.adaptivememory.control;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard against a container limit written to temporary cgroup v2 files, applied to a real
 * pool of 4 slots x 64 MiB: it stops loans (never memory within a slot's share) below the
 * threshold, and resumes only above twice the threshold.
 */
class HeadroomGuardTest {

    private static final long MIB = 1L << 20;
    private static final long SLOT = 64 * MIB;
    private static final long LIMIT = 1000 * MIB;
    private static final double FRACTION = 0.05;
    private static final long SECOND = HeadroomGuard.CHECK_INTERVAL_NANOS;

    @TempDir
    Path root;

    private TaskManagerPool pool;
    private TaskManagerPool[] pools;
    private long now;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/cgroup"), "0::/\n");
        Files.createDirectories(root.resolve("sys/fs/cgroup"));
        Files.writeString(root.resolve("sys/fs/cgroup/memory.max"), String.valueOf(LIMIT));
        used(0);
        pool = new TaskManagerPool(0, 4 * SLOT, 4, SLOT, 0.25, 0.0, 0, AllocationPolicy.of(PolicyKind.ADAPTIVE));
        pools = new TaskManagerPool[] {pool};
    }

    private void used(long bytes) throws IOException {
        Files.writeString(root.resolve("sys/fs/cgroup/memory.stat"), "anon " + bytes + "\nfile 123456789\n");
    }

    private HeadroomGuard guard() {
        return new HeadroomGuard(NativeMemory.detect(root), FRACTION);
    }

    private void check(HeadroomGuard guard) {
        now += SECOND;
        guard.check(now, pools);
    }

    @Test
    void headroomBelowThreshold_stopsLoansButNotTheShare() throws IOException {
        HeadroomGuard guard = guard();
        SlotAccount hot = pool.register("job", "hot", SLOT);
        assertTrue(guard.active());

        used(LIMIT - 40 * MIB); // 40 MiB left < 5% of 1000 MiB
        check(guard);

        assertTrue(guard.paused());
        assertTrue(pool.lendingPaused());
        assertEquals(1, guard.pauses());
        assertTrue(pool.reserve(hot, SLOT), "the slot's own share is still granted");
        assertFalse(pool.reserve(hot, MIB), "no loan beyond it");
        assertEquals(SLOT, pool.grantableBytes(hot) + hot.heldBytes(), "nothing grantable beyond the share");
        assertEquals(SLOT / 2, pool.lazyPlanBytes(hot, SLOT / 2), "sorters plan with Flink's size");
        assertEquals(null, pool.checkInvariants());
    }

    @Test
    void hysteresis_resumesOnlyAboveTwiceTheThreshold() throws IOException {
        HeadroomGuard guard = guard();
        SlotAccount hot = pool.register("job", "hot", SLOT);
        used(LIMIT - 40 * MIB);
        check(guard);
        assertTrue(guard.paused());

        used(LIMIT - 80 * MIB); // above the 50 MiB threshold, below 100 MiB
        check(guard);
        assertTrue(guard.paused(), "still paused inside the hysteresis band");

        used(LIMIT - 120 * MIB);
        check(guard);
        assertFalse(guard.paused());
        assertFalse(pool.lendingPaused());
        assertTrue(pool.reserve(hot, SLOT + MIB), "loans again");
        assertEquals(1, guard.pauses());
    }

    @Test
    void stoppedPool_staysStoppedWhenHeadroomComesBack() throws IOException {
        HeadroomGuard guard = guard();
        SlotAccount hot = pool.register("job", "hot", SLOT);
        assertTrue(pool.stopLending(), "the first stop reports itself (it is logged once)");
        assertFalse(pool.stopLending());

        used(LIMIT - 120 * MIB);
        check(guard);

        assertFalse(guard.paused());
        assertTrue(pool.lendingStopped());
        assertTrue(pool.lendingPaused(), "the guard's resume does not undo a stop");
        assertTrue(pool.reserve(hot, SLOT), "the slot's own share is still granted");
        assertFalse(pool.reserve(hot, MIB), "no loan beyond it");
        assertEquals(SLOT / 2, pool.lazyPlanBytes(hot, SLOT / 2), "sorters plan with Flink's size");
        assertEquals(null, pool.checkInvariants());
    }

    @Test
    void pageCache_doesNotCountAsUse() throws IOException {
        HeadroomGuard guard = guard();
        Files.writeString(root.resolve("sys/fs/cgroup/memory.stat"), "anon " + 100 * MIB + "\nfile " + 890 * MIB + "\n");

        check(guard);

        assertFalse(guard.paused(), "spill files in the page cache are dropped before anything is killed");
    }

    @Test
    void checks_atMostOncePerInterval() throws IOException {
        HeadroomGuard guard = guard();
        check(guard);
        used(LIMIT - 10 * MIB);

        guard.check(now + SECOND / 2, pools);

        assertFalse(guard.paused(), "not re-read before the interval");
        check(guard);
        assertTrue(guard.paused());
    }

    @Test
    void noContainerLimit_guardOffAndLendingUntouched() throws IOException {
        Files.writeString(root.resolve("sys/fs/cgroup/memory.max"), "max");
        HeadroomGuard guard = guard();
        used(Long.MAX_VALUE / 4);

        check(guard);

        assertFalse(guard.active());
        assertFalse(pool.lendingPaused());
    }

    @Test
    void fractionZero_guardOff() throws IOException {
        HeadroomGuard guard = new HeadroomGuard(NativeMemory.detect(root), 0.0);
        used(LIMIT);

        check(guard);

        assertFalse(guard.active());
        assertFalse(guard.paused());
    }
}
