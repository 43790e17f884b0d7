package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * One recorded consumer replayed against a pool, using it the way {@code flink.FlinkHooks} makes
 * the real consumer of its kind use it (docs/DESIGN.md section 3).
 *
 * <h2>Demand over time</h2>
 *
 * The consumer lives from {@code end - lifetime} to {@code end}. What it needs grows linearly,
 * d(t) = D &middot; min(1, (t - start) / R), from 0 to its demand D = peak + spilled over the ramp
 * R = min(lifetime, timeToPeak &middot; D / peak): the recorded time to its peak, stretched as if
 * it had kept growing at the same rate past the memory it was held to (the lifetime when the time
 * to peak is unknown). A lazy consumer asks for pages when what it holds, h, is used up, i.e. at
 * t = start + R &middot; h / D.
 *
 * <h2>Kinds</h2>
 *
 * <ul>
 *   <li><b>Sorters</b> ({@link ConsumerKind#SORT}) borrow. Their operator's plan is earmarked whole
 *       (and waited for, or shrunk, like a table plan), the earmark is given back and the sorter
 *       plans with {@link TaskManagerPool#lazyPlanBytes}. Under a lending policy each request is a
 *       chunk as large as what it holds (1 MiB first, at most 16 MiB and its slot's share), of which
 *       it takes what the pool can grant without touching earmarks; once a request is not granted
 *       in full it stops growing and spills the rest of its demand: a sorter decides early. Its very
 *       first page, if the pool grants none, is Flink's own request, which fails the task when
 *       refused. Under {@code static} it runs Flink's own refill: 16 MiB chunks up to its plan.
 *   <li><b>Table operators</b> ({@link ConsumerKind#HASH_JOIN}, {@link ConsumerKind#HASH_AGG},
 *       {@link ConsumerKind#WINDOW_AGG}) get their plan earmarked whole (never below 128 pages)
 *       and grow into it with Flink's 16 MiB chunks; a chunk refused below the plan fails the task.
 *   <li><b>Eager consumers</b> (everything else) get Flink's plan earmarked as far as the slot's
 *       unused share covers it (never below 16 pages) and reserve all of it at once; a refusal
 *       fails the task.
 * </ul>
 *
 * A consumer that stops growing short of its demand spills the rest, D - h (RocksDB never
 * spills); a failed one spills nothing but counts as failed. Flink's plan is the recorded
 * {@code requested_bytes} (the slot's share when that was not measured).
 */
final class ReplayedConsumer {

    /** Flink's default page ({@code taskmanager.memory.segment-size}). */
    static final long PAGE_BYTES = 32 * 1024;
    /** Flink's {@code LazyMemorySegmentPool} request: 16 MiB at a time. */
    static final long FLINK_CHUNK_BYTES = 16L << 20;
    /** A borrowing sorter's first chunk (FlinkHooks.refillLazyPool). */
    static final long FIRST_CHUNK_BYTES = 1L << 20;
    static final int TABLE_MINIMUM_PAGES = 128;
    static final int EAGER_MINIMUM_PAGES = 16;

    private enum Behaviour { SORTER, TABLE, EAGER }

    final ConsumerRecord record;
    final ReplayedSlot slot;
    final long startMillis;
    final long endMillis;
    /** The predictor's estimate, -1 for none: what the slot's prediction sum was given. */
    final long predictedBytes;
    private final Behaviour behaviour;
    private final long demandBytes;
    private final long requestedBytes;
    private final long rampMillis;

    private long planBytes;
    private long reservedBytes;
    private boolean growing = true;
    private boolean failed;
    private long spilledBytes;

    ReplayedConsumer(ConsumerRecord record, ReplayedSlot slot, long predictedBytes) {
        this.record = record;
        this.slot = slot;
        this.predictedBytes = predictedBytes;
        long lifetime = Math.max(0, record.lifetimeMillis());
        this.endMillis = record.endMillis();
        this.startMillis = startMillis(record);
        this.behaviour = switch (record.kind()) {
            case SORT -> Behaviour.SORTER;
            case HASH_JOIN, HASH_AGG, WINDOW_AGG -> Behaviour.TABLE;
            default -> Behaviour.EAGER;
        };
        this.demandBytes = record.demandBytes();
        this.requestedBytes = record.requestedBytes() >= 0 ? record.requestedBytes() : record.shareBytes();
        this.rampMillis = record.timeToPeakMillis() >= 0 && record.peakBytes() > 0
                ? (long) Math.min(lifetime, (double) record.timeToPeakMillis() * demandBytes / record.peakBytes())
                : lifetime;
    }

    /** When the recorded consumer started: its end less its lifetime (0 when not measured). */
    static long startMillis(ConsumerRecord record) {
        return record.endMillis() - Math.max(0, record.lifetimeMillis());
    }

    /**
     * Plans the consumer and serves every request due now; returns the time of its next request,
     * or -1 when it will ask for nothing more.
     */
    long start(TaskManagerPool pool, Tally tally, long nowMillis) {
        SlotAccount account = slot.account;
        switch (behaviour) {
            case SORTER -> {
                long flinkPlan = plan(pool, tally, TABLE_MINIMUM_PAGES, true, nowMillis);
                pool.releaseEarmark(account, flinkPlan);
                planBytes = pool.lazyPlanBytes(account, flinkPlan);
            }
            case TABLE -> planBytes = plan(pool, tally, TABLE_MINIMUM_PAGES, true, nowMillis);
            case EAGER -> {
                planBytes = plan(pool, tally, EAGER_MINIMUM_PAGES, false, nowMillis);
                long pages = pagesDown(planBytes);
                if (pool.reserve(account, pages, true)) {
                    reservedBytes = pages;
                } else {
                    failed = true;
                }
                stop();
            }
        }
        if (demandBytes == 0) {
            stop();
        }
        return growUntil(pool, nowMillis);
    }

    /** Serves the request due at {@code nowMillis} and any that fall due at once after it. */
    long growUntil(TaskManagerPool pool, long nowMillis) {
        while (growing) {
            long next = startMillis + (long) ((double) rampMillis * reservedBytes / demandBytes);
            if (next > nowMillis) {
                return next;
            }
            request(pool);
        }
        return -1;
    }

    private long plan(TaskManagerPool pool, Tally tally, int minimumPages, boolean wholePlan, long nowMillis) {
        long minimum = Math.min(requestedBytes, minimumPages * PAGE_BYTES);
        long plan = slot.earmarkPlan(pool, requestedBytes, minimum, wholePlan, nowMillis);
        if (plan < requestedBytes) {
            tally.reclaimWait(requestedBytes - plan);
        }
        return plan;
    }

    private void request(TaskManagerPool pool) {
        SlotAccount account = slot.account;
        long room = pagesDown(planBytes) - reservedBytes;
        if (room <= 0) {
            stop();
            return;
        }
        long want = Math.min(room, FLINK_CHUNK_BYTES);
        if (behaviour == Behaviour.SORTER && pool.policy().lends()) {
            want = Math.min(want, Math.max(PAGE_BYTES, pagesDown(account.guaranteeBytes())));
            want = Math.min(want, Math.max(FIRST_CHUNK_BYTES, reservedBytes));
            long got = Math.min(want, pagesDown(pool.grantableBytes(account) - account.earmarkedBytes()));
            if (got < want) {
                pool.noteLazyRefusal(account, want, got);
            }
            if (got <= 0 && reservedBytes == 0) {
                take(pool, want, false);
            } else if (got > 0 && pool.reserve(account, got, false)) {
                reservedBytes += got;
                if (got < want) {
                    stop();
                }
            } else {
                stop();
            }
        } else {
            take(pool, want, true);
        }
        if (reservedBytes >= demandBytes) {
            stop();
        }
    }

    /** Flink's own request: granted whole, or the task fails. */
    private void take(TaskManagerPool pool, long bytes, boolean fromEarmarkFirst) {
        if (pool.reserve(slot.account, bytes, fromEarmarkFirst)) {
            reservedBytes += bytes;
        } else {
            failed = true;
            stop();
        }
    }

    private void stop() {
        if (!growing) {
            return;
        }
        growing = false;
        boolean spills = !failed && record.kind() != ConsumerKind.ROCKSDB;
        spilledBytes = spills ? Math.max(0, demandBytes - reservedBytes) : 0;
    }

    /** Gives back what the consumer holds; its earmark stays with the slot, as in the agent. */
    void end(TaskManagerPool pool) {
        pool.release(slot.account, reservedBytes);
        reservedBytes = 0;
    }

    /**
     * The source document's M - R for this consumer, when positive: memory set aside for it beyond
     * its demand. A borrowing sorter has only what it holds set aside; every other consumer its
     * plan (under {@code static} nothing is lent, so a sorter's unused plan is idle too).
     */
    long wasteBytes(boolean lends) {
        long setAside = behaviour == Behaviour.SORTER && lends ? reservedBytes : Math.max(planBytes, reservedBytes);
        return Math.max(0, setAside - demandBytes);
    }

    long spilledBytes() {
        return spilledBytes;
    }

    boolean failed() {
        return failed;
    }

    private static long pagesDown(long bytes) {
        return Math.max(0, bytes) / PAGE_BYTES * PAGE_BYTES;
    }
}
