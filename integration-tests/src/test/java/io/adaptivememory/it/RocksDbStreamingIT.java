package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.RocksDbCountJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAITS;
import static io.adaptivememory.it.AgentMeters.SHORTFALLS;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RocksDB under the agent: a bounded STREAMING job with keyed state on the RocksDB backend, whose
 * managed memory (block cache and write buffers) is sized with {@code computeMemorySize} outside
 * any table operator and reserved whole with {@code reserveMemory}: an eager consumer the pool
 * earmarks. It must run unchanged: exact result, its reservation visible in the slot meters while
 * it runs, everything back in the pool after.
 */
class RocksDbStreamingIT {

    static final long ROWS = 200_000;
    static final long KEYS = 500;

    @Test
    @Timeout(120)
    void rocksDbKeyedState_adaptive_exactResultReservationSeenAndReturned() throws Exception {
        RocksDbCountJob job = new RocksDbCountJob(ROWS, KEYS);
        Map<Long, String> expected = job.expected();
        Prometheus prometheus = Prometheus.ofAgent();
        try (EmbeddedCluster cluster = EmbeddedCluster.start("adaptive")) {
            AgentMeters.Snapshot before = AgentMeters.scrape(prometheus);
            SlotPeaks peaks = new SlotPeaks(prometheus);
            long start = System.nanoTime();
            Map<Long, String> result;
            try (peaks) {
                result = job.run(AgentMeters.noRestart(cluster.clientConfig()));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            AgentMeters.Snapshot drained = AgentMeters.awaitEmptyPool(prometheus);
            System.out.printf("RocksDbStreamingIT adaptive: %d ms, slot peaks %s, pool peak %d MiB of %d,"
                            + " shortfalls %.0f, reclaim waits %.0f%n",
                    millis, peaks.peakReservedBySlot(), mib(peaks.peakPoolReserved()), mib(peaks.poolTotal()),
                    drained.since(before, SHORTFALLS), drained.since(before, RECLAIM_WAITS));

            assertEquals(expected, result, "adaptive result");
            assertEquals(EmbeddedCluster.SLOTS, peaks.peakReservedBySlot().size(),
                    "one RocksDB instance per slot: " + peaks.peakReservedBySlot());
            for (Map.Entry<Integer, Long> slot : peaks.peakReservedBySlot().entrySet()) {
                assertTrue(slot.getValue() > 0 && slot.getValue() <= SLOT_BYTES,
                        "slot " + slot.getKey() + " reserved its RocksDB memory within its share: "
                                + peaks.peakReservedBySlot());
            }
            assertTrue(peaks.peakPoolReserved() <= peaks.poolTotal(), "pool never exceeds the TaskManager total");
            assertEquals(0.0, drained.since(before, SHORTFALLS), "nothing was lent, so no shortfall");
            assertEquals(0.0, drained.get(POOL_RESERVED),
                    "RocksDB's reservation is back in the pool within " + AgentMeters.EMPTY_POOL_WAIT);
            assertEquals(0.0, drained.get(POOL_EARMARKED), "no earmark is left");
            assertEquals(0.0, drained.since(before, FAILOPEN), "the agent never fell back to Flink's own behaviour");
        }
    }
}
