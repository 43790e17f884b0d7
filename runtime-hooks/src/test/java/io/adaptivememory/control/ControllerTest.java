package io.adaptivememory.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.estimate.Allocations;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

/**
 * The controller's tick on a TaskManager of 64 slots, the size the issue asks to measure: in
 * steady state it allocates nothing (the policies reuse their arrays, entitlements are plain
 * writes), whichever policy runs and however many slots borrow.
 */
class ControllerTest {

    private static final int SLOTS = 64;

    /** Parked for an hour between its own ticks: the test calls {@link Controller#tick} itself. */
    private final Controller controller = new Controller(TimeUnit.HOURS.toNanos(1), TimeUnit.SECONDS.toNanos(10),
            new HeadroomGuard(NativeMemory.ofThisProcess(), 0.0), () -> {}, t -> {});

    @AfterEach
    void close() {
        controller.close();
    }

    @ParameterizedTest
    @EnumSource(PolicyKind.class)
    void tick_64Slots_allocatesNothing(PolicyKind kind) {
        TaskManagerPool pool = BusyPools.of(kind, SLOTS);
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
