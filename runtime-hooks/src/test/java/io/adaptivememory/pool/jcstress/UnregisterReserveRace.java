package io.adaptivememory.pool.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * Flink frees a slot (its account is closed) while one of its consumers reserves 30 more bytes
 * and a late release of 50 arrives: whichever order, the closed account must give everything back,
 * leaving the pool exactly as before the slot was allocated (300 unclaimed).
 */
@JCStressTest
@Outcome(id = {"true, true", "false, true"}, expect = ACCEPTABLE, desc = "granted before the close, or refused after it")
@Outcome(expect = FORBIDDEN, desc = "bytes lost or counted twice")
@State
public class UnregisterReserveRace {

    private final TaskManagerPool pool = RacePools.pool();
    private final SlotAccount a = RacePools.slot(pool, "a");

    public UnregisterReserveRace() {
        pool.reserve(a, 50);
    }

    @Actor
    public void close(ZZ_Result r) {
        pool.unregister(a);
    }

    @Actor
    public void consumer(ZZ_Result r) {
        r.r1 = pool.reserve(a, 30);
        pool.release(a, 50);
    }

    @Arbiter
    public void books(ZZ_Result r) {
        r.r2 = RacePools.booksRight(pool) && pool.slackBytes() == RacePools.TOTAL - 4 * RacePools.FLOOR
                && pool.heldBytes() == 0;
    }
}
