package io.adaptivememory.pool.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

/**
 * Two consumers of one slot (entitlement = its 100-byte share) reserve 60 bytes each: only one
 * fits, and the slot's held bytes must be exactly what was granted (no lost or doubled update of
 * the compare-and-set loop).
 */
@JCStressTest
@Outcome(id = {"true, false, true", "false, true, true"}, expect = ACCEPTABLE, desc = "one granted")
@Outcome(id = "false, false, true", expect = ACCEPTABLE_INTERESTING, desc = "both refused for a moment (safe)")
@Outcome(expect = FORBIDDEN, desc = "both granted (above the entitlement) or books wrong")
@State
public class SameSlotRace {

    private final TaskManagerPool pool = RacePools.pool();
    private final SlotAccount a = RacePools.slot(pool, "a");

    public SameSlotRace() {
        pool.setLimit(a, RacePools.SLOT);
    }

    @Actor
    public void first(ZZZ_Result r) {
        r.r1 = pool.reserve(a, 60);
    }

    @Actor
    public void second(ZZZ_Result r) {
        r.r2 = pool.reserve(a, 60);
    }

    @Arbiter
    public void books(ZZZ_Result r) {
        r.r3 = RacePools.booksRight(pool) && a.heldBytes() == 60L * ((r.r1 ? 1 : 0) + (r.r2 ? 1 : 0))
                && a.heldBytes() <= a.limitBytes();
    }
}
