package io.adaptivememory.simulate;

import static io.adaptivememory.simulate.Histories.MIB;
import static io.adaptivememory.simulate.Histories.SHARE_BYTES;
import static io.adaptivememory.simulate.Histories.TOTAL_BYTES;
import static io.adaptivememory.simulate.Histories.consumer;
import static io.adaptivememory.simulate.Histories.sorter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The expected numbers follow the pool's rules by hand. A lone allocated slot of the 4 x 64 MiB
 * TaskManager may reach its share plus everything but the three unallocated slots' floors:
 * 256 - 3 x 16 = 208 MiB. Its sorter's chunks go 1, 1, 2, 4, 8, then 16 MiB at a time.
 */
class SimulatorTest {

    private static final long LIFETIME_MILLIS = 10_000;
    private static final long FLOOR_BYTES = (long) (Settings.DEFAULT_FLOOR_FRACTION * SHARE_BYTES);
    private static final long LONE_SLOT_REACH_BYTES = TOTAL_BYTES - 3 * FLOOR_BYTES;

    private static SimulationResult run(List<ConsumerRecord> history, PolicyKind kind) {
        return Simulator.run(history, PolicyVariant.of(kind));
    }

    @Test
    void loneHotSorter_static_spillsAllBeyondItsShareAndNeverBorrows() {
        SimulationResult r = run(List.of(sorter(0, 150, 0, LIFETIME_MILLIS)), PolicyKind.STATIC);

        assertEquals((150 - 64) * MIB, r.spilledBytes());
        assertEquals(1, r.spilledConsumers());
        assertEquals(0, r.peakBorrowedBytes());
        assertEquals(0, r.invariantViolations());
        // Flink's 16 MiB chunks: requests at 0, 1066, 2133, 3200 ms (d(t) = 150 MiB x t / 10 s),
        // one more at 4266 ms finds the plan used up; 99 ticks while the slot is allocated.
        assertEquals(6, r.events());
        assertEquals(99, r.ticks());
        double heldMiBMillis = 16 * 1066 + 32 * 1067 + 48 * 1067 + 64 * 6800;
        assertEquals(heldMiBMillis / (256 * LIFETIME_MILLIS), r.utilisation(), 1e-12);
        assertEquals(0, r.meanWasteBytes());
    }

    @Test
    void loneHotSorter_adaptive_borrowsWhatItNeedsAndSpillsNothing() {
        SimulationResult r = run(List.of(sorter(0, 150, 0, LIFETIME_MILLIS)), PolicyKind.ADAPTIVE);

        assertEquals(0, r.spilledBytes());
        assertEquals(0, r.spilledConsumers());
        // 1+1+2+4+8 = 16, then 16 MiB chunks up to 160 MiB: the last one, asked at 144 MiB
        // (t = 9600 ms), overshoots the demand by 10 MiB for the last 400 ms of 10 s.
        assertEquals(160 * MIB - SHARE_BYTES, r.peakBorrowedBytes());
        assertEquals(Math.round(10.0 * MIB * 400 / LIFETIME_MILLIS), r.meanWasteBytes());
        assertEquals(0, r.reclaimWaits());
        assertEquals(0, r.invariantViolations());
    }

    @Test
    void loneSorterNeedingMoreThanItCanReach_adaptive_spillsBeyondThe208MiBReach() {
        List<ConsumerRecord> history = List.of(sorter(0, 250, 0, LIFETIME_MILLIS));

        assertEquals(250 * MIB - LONE_SLOT_REACH_BYTES, run(history, PolicyKind.ADAPTIVE).spilledBytes());
        assertEquals(LONE_SLOT_REACH_BYTES - SHARE_BYTES, run(history, PolicyKind.ADAPTIVE).peakBorrowedBytes());
        assertEquals(250 * MIB - SHARE_BYTES, run(history, PolicyKind.STATIC).spilledBytes());
    }

    /** One hot sorter and three cold ones (8 MiB each) in the four slots of one job. */
    private static List<ConsumerRecord> skewed() {
        return List.of(sorter(0, 150, 0, LIFETIME_MILLIS), sorter(1, 8, 0, LIFETIME_MILLIS),
                sorter(2, 8, 0, LIFETIME_MILLIS), sorter(3, 8, 0, LIFETIME_MILLIS));
    }

    @Test
    void skewedSorters_adaptive_spillLessThanStatic() {
        SimulationResult statik = run(skewed(), PolicyKind.STATIC);
        SimulationResult adaptive = run(skewed(), PolicyKind.ADAPTIVE);

        assertEquals(86 * MIB, statik.spilledBytes());
        assertEquals(0, adaptive.spilledBytes());
        assertEquals(0, statik.invariantViolations() + adaptive.invariantViolations());
        // Static: every sorter's unused plan is idle, 3 x (64 - 8) MiB all the time.
        assertEquals(3 * 56 * MIB, statik.meanWasteBytes());
    }

    @Test
    void skewedSorters_fair_capsTheHotSlotAtAQuarterOnceAllFourHoldMemory() {
        // From the first tick all four slots hold memory, so each may hold T/4 = 64 MiB.
        SimulationResult fair = run(skewed(), PolicyKind.FAIR);

        assertEquals(86 * MIB, fair.spilledBytes());
        assertEquals(0, fair.peakBorrowedBytes());
    }

    @Test
    void eagerConsumerOfALender_adaptive_isSizedDownToWhatIsLeftAndCountsAReclaimWait() {
        // The hot sorter holds all it can reach (208 MiB) from 8.3 s on; at 9 s a DataStream sort
        // starts in slot 1: slack is 0, so only slot 1's own 16 MiB floor is there for its 64 MiB
        // plan.
        List<ConsumerRecord> history = List.of(sorter(0, 250, 0, LIFETIME_MILLIS),
                consumer("job-2", ConsumerKind.DATASTREAM_SORT, 1, 64, 9_000, 500));

        SimulationResult adaptive = run(history, PolicyKind.ADAPTIVE);
        SimulationResult statik = run(history, PolicyKind.STATIC);

        assertEquals(1, adaptive.reclaimWaits());
        assertEquals(64 * MIB - FLOOR_BYTES, adaptive.reclaimShortfallBytes());
        assertEquals((250 * MIB - LONE_SLOT_REACH_BYTES) + (64 * MIB - FLOOR_BYTES), adaptive.spilledBytes());
        assertEquals(0, adaptive.failedConsumers());
        assertEquals(0, statik.reclaimWaits());
        assertEquals(250 * MIB - SHARE_BYTES, statik.spilledBytes());
    }

    @Test
    void tableOperatorNextToABorrowingSorter_adaptive_getsItsWholePlanEarmarkedAndNeverFails() {
        List<ConsumerRecord> history = List.of(sorter(0, 250, 0, LIFETIME_MILLIS),
                consumer("job-1", ConsumerKind.HASH_JOIN, 1, 40, 1_000, 2_000));

        SimulationResult adaptive = run(history, PolicyKind.ADAPTIVE);

        assertEquals(0, adaptive.failedConsumers());
        assertEquals(0, adaptive.reclaimWaits());
        assertEquals(0, adaptive.invariantViolations());
        // The join's 64 MiB plan is earmarked at 1 s, when the sorter holds 32 MiB; until the join
        // ends at 3 s the sorter needs at most 80 MiB, so the sorter spills what it does alone.
        assertEquals(250 * MIB - LONE_SLOT_REACH_BYTES, adaptive.spilledBytes());
    }

    @Test
    void predictorWithoutEstimates_adaptive_changesNothing() {
        PolicyVariant blind = new PolicyVariant("adaptive+none", PolicyKind.ADAPTIVE, record -> -1);

        SimulationResult with = Simulator.run(skewed(), blind);
        SimulationResult without = run(skewed(), PolicyKind.ADAPTIVE);

        assertEquals(new SimulationResult("adaptive", with.consumers(), with.events(), with.ticks(),
                with.spilledBytes(), with.spilledConsumers(), with.failedConsumers(), with.reclaimWaits(),
                with.reclaimShortfallBytes(), with.meanWasteBytes(), with.utilisation(), with.peakBorrowedBytes(),
                with.invariantViolations(), with.firstViolation()), without);
        assertNull(without.firstViolation());
    }
}
