package io.adaptivememory.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.estimate.Allocations;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The controller's tick on a TaskManager of 64 slots, the size the issue asks to measure: in
 * steady state it allocates nothing (the policies reuse their arrays, entitlements are plain
 * writes), whichever policy runs and however many slots borrow.
 */
class ControllerTest {

    private static final long MIB = 1L << 20;
    private static final int SLOTS = 64;
    private static final long SLOT = 16 * MIB;

    /** Parked for an hour between its own ticks: the test calls {@link Controller#tick} itself. */
    private final Controller controller = new Controller(TimeUnit.HOURS.toNanos(1), TimeUnit.SECONDS.toNanos(10),
            new HeadroomGuard(NativeMemory.ofThisProcess(), 0.0), () -> {}, t -> {});

    @AfterEach
    void close() {
        controller.close();
    }

    /** 64 slots, a quarter of them borrowing, some holding earmarks, a few with predictions. */
    private static TaskManagerPool busyPool(PolicyKind kind) {
        TaskManagerPool pool = new TaskManagerPool(0, SLOTS * SLOT, SLOTS, SLOT, kind == PolicyKind.STATIC ? 1.0 : 0.25,
                0.0, 0, AllocationPolicy.of(kind));
        SplittableRandom rnd = new SplittableRandom(64);
        for (int i = 0; i < SLOTS; i++) {
            SlotAccount s = pool.register("job", "slot-" + i, SLOT);
            pool.reserve(s, rnd.nextLong(SLOT / 2));
            if (i % 4 == 0 && kind != PolicyKind.STATIC) {
                pool.setLimit(s, 2 * SLOT);
                pool.reserve(s, SLOT);
            }
            if (i % 5 == 0) {
                pool.earmarkPlanBytes(s, SLOT / 8, SLOT / 16);
            }
            if (i % 7 == 0) {
                pool.setPredictedDemand(s, SLOT / 3);
            }
        }
        return pool;
    }

    @ParameterizedTest
    @EnumSource(PolicyKind.class)
    void tick_64Slots_allocatesNothing(PolicyKind kind) {
        TaskManagerPool pool = busyPool(kind);
        controller.add(pool);
        long[] now = {System.nanoTime()};

        long allocated = Allocations.afterWarmUp(() -> {
            for (int i = 0; i < 1_000; i++) {
                now[0] += TimeUnit.MILLISECONDS.toNanos(100);
                controller.tick(now[0]);
            }
        });

        assertEquals(0, allocated, "bytes allocated by 1,000 ticks over " + SLOTS + " slots (" + kind.id() + ")");
        assertNull(pool.checkInvariants());
    }
}
