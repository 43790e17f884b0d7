package io.adaptivememory.flink;

import org.apache.flink.runtime.memory.MemoryReservationException;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Builds Flink's own {@link MemoryReservationException} for a refused reservation, so every
 * caller handles it exactly as it handles Flink's budget running out. Its constructor is
 * package-private, hence the method handle.
 */
final class Reservations {

    private static final MethodHandle CONSTRUCTOR = constructor();

    private Reservations() {}

    private static MethodHandle constructor() {
        try {
            return MethodHandles.privateLookupIn(MemoryReservationException.class, MethodHandles.lookup())
                    .findConstructor(MemoryReservationException.class, MethodType.methodType(void.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's MemoryReservationException(String) is not accessible", e);
        }
    }

    /** Fails (at agent start, not on the first refusal) when the constructor is not accessible. */
    static void check() {
        if (CONSTRUCTOR == null) {
            throw new IllegalStateException("MemoryReservationException(String) is missing");
        }
    }

    /** The exception to throw from a reservation the pool refused; thrown unchecked-style. */
    static RuntimeException refused(long size, Governed g) {
        Throwable e;
        try {
            e = (Throwable) CONSTRUCTOR.invoke(
                    "Could not allocate " + size + " bytes: " + g.slot + " holds " + g.slot.heldBytes()
                            + " of its " + g.slot.guaranteeBytes() + " bytes share (entitlement "
                            + g.slot.limitBytes() + ") and the TaskManager pool has "
                            + g.pool.slackBytes() + " bytes unclaimed (Flink Adaptive Memory)");
        } catch (Throwable t) {
            e = t;
        }
        return Reservations.<RuntimeException>sneaky(e);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
