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
 * Two slots borrow at once, each 200 bytes (175 from the 300 unclaimed), so only one loan fits:
 * the slots together must never hold more than the TaskManager's total.
 */
@JCStressTest
@Outcome(id = {"true, false, true", "false, true, true"}, expect = ACCEPTABLE, desc = "one loan granted")
@Outcome(id = "false, false, true", expect = ACCEPTABLE_INTERESTING,
        desc = "both refused while each held the other's slack for a moment (safe: both spill)")
@Outcome(expect = FORBIDDEN, desc = "both granted (above the total) or books wrong")
@State
public class LoanRace {

    private final TaskManagerPool pool = RacePools.pool();
    private final SlotAccount a = RacePools.slot(pool, "a");
    private final SlotAccount b = RacePools.slot(pool, "b");

    public LoanRace() {
        pool.setLimit(a, RacePools.TOTAL);
        pool.setLimit(b, RacePools.TOTAL);
    }

    @Actor
    public void borrowA(ZZZ_Result r) {
        r.r1 = pool.reserve(a, 200);
    }

    @Actor
    public void borrowB(ZZZ_Result r) {
        r.r2 = pool.reserve(b, 200);
    }

    @Arbiter
    public void books(ZZZ_Result r) {
        r.r3 = RacePools.booksRight(pool) && pool.heldBytes() <= RacePools.TOTAL
                && a.heldBytes() == (r.r1 ? 200 : 0) && b.heldBytes() == (r.r2 ? 200 : 0);
    }
}
