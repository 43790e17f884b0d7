package io.adaptivememory.simulate;

import io.adaptivememory.config.Settings;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Replays one TaskManager's consumers through a fresh {@link TaskManagerPool} on a simulated
 * clock, in time order: at equal times ends and page requests come before starts (memory freed
 * at a moment is there for a consumer starting at it), and the controller's tick comes last.
 * Every {@code controller.interval} while a slot is allocated the tick does what
 * {@code control.Controller.tick} does (rebalance, then expire earmarks older than
 * {@code earmark-ttl}); when a consumer ends and its slot holds no page, earmarks older than
 * 500 ms go back, as {@code FlinkHooks.onOwnerReleased} does. A slot is allocated (registered)
 * when the first consumer of its job in it starts and freed when the last one ends. The pool is
 * the agent's, with the agent's settings for the policy, except that its reclaim timeout is 0:
 * nothing blocks, and a plan the agent would have waited for comes out short at once (counted as
 * a reclaim wait). The invariants are checked after every event and tick.
 */
final class TaskManagerReplay {

    /** {@code FlinkHooks.onOwnerReleased}: an earmark this old in an idle slot is stale when a task ends. */
    static final long TASK_END_STALE_EARMARK_MILLIS = 500;

    private enum Type { END, GROW, START }

    /** A start carries only its record: the consumer exists from then on. */
    private record Event(long timeMillis, Type type, long sequence, ConsumerRecord record, ReplayedConsumer consumer) {}

    private record SlotKey(int slot, String job) {}

    private final TaskManagerPool pool;
    private final boolean lends;
    private final DemandPredictor predictor;
    private final Tally tally;
    private final long tickMillis;
    private final long earmarkTtlMillis;
    private final PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparingLong(Event::timeMillis)
            .thenComparing(Event::type).thenComparingLong(Event::sequence));
    private final Map<SlotKey, Integer> consumersPerSlot = new HashMap<>();
    private final Map<SlotKey, ReplayedSlot> open = new HashMap<>();
    private final List<ReplayedConsumer> live = new ArrayList<>();
    private long sequence;
    private long clockMillis;
    private long originMillis;

    private TaskManagerReplay(TaskManagerPool pool, DemandPredictor predictor, Settings settings, Tally tally) {
        this.pool = pool;
        this.lends = pool.policy().lends();
        this.predictor = predictor;
        this.tally = tally;
        this.tickMillis = settings.controllerInterval().toMillis();
        this.earmarkTtlMillis = settings.earmarkTtl().toMillis();
    }

    /** Replays the consumers of one TaskManager (non-empty) into {@code tally}. */
    static void replay(List<ConsumerRecord> consumers, PolicyVariant variant, Settings settings, Tally tally) {
        int slots = 1;
        long shareBytes = 0;
        for (ConsumerRecord r : consumers) {
            slots = Math.max(slots, r.slots());
            shareBytes = Math.max(shareBytes, r.shareBytes());
        }
        TaskManagerPool pool = new TaskManagerPool(0, slots * shareBytes, slots, shareBytes,
                settings.floorFraction(), settings.reserveFraction(), 0L, AllocationPolicy.of(variant.kind()));
        new TaskManagerReplay(pool, variant.predictor(), settings, tally).run(consumers);
    }

    private void run(List<ConsumerRecord> consumers) {
        originMillis = Long.MAX_VALUE;
        for (ConsumerRecord r : consumers) {
            long startMillis = ReplayedConsumer.startMillis(r);
            originMillis = Math.min(originMillis, startMillis);
            consumersPerSlot.merge(new SlotKey(r.slot(), r.job()), 1, Integer::sum);
            events.add(new Event(startMillis, Type.START, sequence++, r, null));
        }
        clockMillis = originMillis;
        long nextTickMillis = originMillis + tickMillis;
        while (!events.isEmpty()) {
            Event e = events.peek();
            if (open.isEmpty()) {
                nextTickMillis = Math.max(nextTickMillis, firstTickFrom(e.timeMillis()));
            } else if (nextTickMillis < e.timeMillis()) {
                advanceTo(nextTickMillis);
                tick();
                nextTickMillis += tickMillis;
                continue;
            }
            events.poll();
            advanceTo(e.timeMillis());
            handle(e);
            tally.event();
            check();
        }
    }

    /** The first tick of the controller's grid (from the first start) at or after {@code millis}. */
    private long firstTickFrom(long millis) {
        long ticksIn = (millis - originMillis + tickMillis - 1) / tickMillis;
        return originMillis + Math.max(1, ticksIn) * tickMillis;
    }

    private void schedule(long timeMillis, Type type, ReplayedConsumer consumer) {
        events.add(new Event(timeMillis, type, sequence++, consumer.record, consumer));
    }

    private void handle(Event e) {
        switch (e.type()) {
            case START -> start(e.record());
            case GROW -> grew(e.consumer(), e.consumer().growUntil(pool, clockMillis));
            case END -> end(e.consumer());
        }
    }

    private void start(ConsumerRecord record) {
        SlotKey key = new SlotKey(record.slot(), record.job());
        ReplayedSlot slot = open.computeIfAbsent(key, k -> new ReplayedSlot(
                pool.register(record.job(), record.taskManager() + "/" + record.slot(), record.shareBytes()),
                consumersPerSlot.get(k)));
        long predicted = predictor == null ? -1 : predictor.predictBytes(record);
        ReplayedConsumer consumer = new ReplayedConsumer(record, slot, predicted);
        if (predictor != null) {
            slot.predict(pool, predicted, 1);
        }
        live.add(consumer);
        schedule(consumer.endMillis, Type.END, consumer);
        grew(consumer, consumer.start(pool, tally, clockMillis));
    }

    private void grew(ReplayedConsumer consumer, long nextRequestMillis) {
        if (nextRequestMillis >= 0) {
            schedule(nextRequestMillis, Type.GROW, consumer);
        }
    }

    private void end(ReplayedConsumer consumer) {
        ReplayedSlot slot = consumer.slot;
        consumer.end(pool);
        live.remove(consumer);
        tally.ended(consumer);
        if (predictor != null) {
            slot.predict(pool, consumer.predictedBytes, -1);
        }
        slot.expireEarmark(pool, clockMillis, TASK_END_STALE_EARMARK_MILLIS);
        if (--slot.remainingConsumers == 0) {
            tally.borrowed(slot.account.peakBorrowedBytes());
            pool.unregister(slot.account);
            open.remove(new SlotKey(consumer.record.slot(), consumer.record.job()));
        }
    }

    private void tick() {
        pool.policy().rebalance(pool, (clockMillis - originMillis) * 1_000_000L);
        for (ReplayedSlot slot : open.values()) {
            slot.expireEarmark(pool, clockMillis, earmarkTtlMillis);
        }
        tally.tick();
        check();
    }

    /** Accounts the time from the last event to {@code millis}, during which nothing changed. */
    private void advanceTo(long millis) {
        if (!live.isEmpty() && millis > clockMillis) {
            long waste = 0;
            for (ReplayedConsumer c : live) {
                waste += c.wasteBytes(lends);
            }
            tally.busy(millis - clockMillis, waste, pool.heldBytes(), pool.totalBytes());
        }
        clockMillis = Math.max(clockMillis, millis);
    }

    private void check() {
        String fault = pool.checkInvariants();
        if (fault == null && pool.heldBytes() > pool.totalBytes()) {
            fault = "held " + pool.heldBytes() + " exceeds total " + pool.totalBytes();
        }
        tally.checked(fault);
    }
}
