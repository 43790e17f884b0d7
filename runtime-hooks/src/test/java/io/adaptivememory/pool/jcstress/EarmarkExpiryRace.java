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
 * An eager consumer allocates the 60 bytes earmarked for its plan while the controller finds the
 * earmark expired and gives it back: the allocation must be granted either way (from the earmark,
 * or from the slot's share it went back to), and the earmark must not be both used and returned.
 */
@JCStressTest
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "granted, books right")
@Outcome(expect = FORBIDDEN, desc = "refused, or the earmark used and returned")
@State
public class EarmarkExpiryRace {

    private final TaskManagerPool pool = RacePools.pool();
    private final SlotAccount a = RacePools.slot(pool, "a");

    public EarmarkExpiryRace() {
        pool.earmarkPlanBytes(a, 60, 16, true);
    }

    @Actor
    public void allocate(ZZ_Result r) {
        r.r1 = pool.reserve(a, 60, true);
    }

    @Actor
    public void expire(ZZ_Result r) {
        pool.expireEarmark(a, System.nanoTime(), 0);
    }

    @Arbiter
    public void books(ZZ_Result r) {
        r.r2 = RacePools.booksRight(pool) && a.heldBytes() == 60 && a.earmarkedBytes() == 0;
    }
}
