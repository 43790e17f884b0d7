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
 * Nothing is unclaimed: slot a holds its 100-byte share, slot b has borrowed the rest (250). As a
 * releases its 100, b asks for 75 more, which only a's release can cover: granted or not, no
 * byte may be lost or counted twice.
 */
@JCStressTest
@Outcome(id = {"true, true", "false, true"}, expect = ACCEPTABLE, desc = "granted after the release, or before it and refused")
@Outcome(expect = FORBIDDEN, desc = "books wrong")
@State
public class ReleaseReserveRace {

    private final TaskManagerPool pool = RacePools.pool();
    private final SlotAccount a = RacePools.slot(pool, "a");
    private final SlotAccount b = RacePools.slot(pool, "b");

    public ReleaseReserveRace() {
        pool.setLimit(b, RacePools.TOTAL);
        pool.reserve(a, RacePools.SLOT);
        pool.reserve(b, 250);
    }

    @Actor
    public void release(ZZ_Result r) {
        pool.release(a, RacePools.SLOT);
    }

    @Actor
    public void borrow(ZZ_Result r) {
        r.r1 = pool.reserve(b, 75);
    }

    @Arbiter
    public void books(ZZ_Result r) {
        r.r2 = RacePools.booksRight(pool) && a.heldBytes() == 0 && b.heldBytes() == 250 + (r.r1 ? 75 : 0)
                && pool.heldBytes() <= RacePools.TOTAL;
    }
}
