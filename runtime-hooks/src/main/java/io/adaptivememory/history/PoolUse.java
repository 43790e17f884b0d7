package io.adaptivememory.history;

/**
 * One page pool ({@code LazyMemorySegmentPool}) of a recorded consumer; a sorter has one per sort
 * buffer. A pool keeps the pages it was given in its cache until its owner frees them (a hash join
 * may free its cache early, before it switches to a dense table), so at a refill, when its cache
 * is empty, it holds exactly the pages it handed out plus the refill. The difference to what it
 * held at its previous refill moves its consumer's total. Refills happen on the pool's task thread.
 */
public final class PoolUse {

    private final LiveConsumer consumer;
    private long heldBytes;

    public PoolUse(LiveConsumer consumer) {
        this.consumer = consumer;
    }

    public LiveConsumer consumer() {
        return consumer;
    }

    /** The pool was refilled and now holds {@code poolHeldBytes}. */
    public void refilled(long poolHeldBytes, long nowNanos) {
        consumer.addHeld(poolHeldBytes - heldBytes, nowNanos);
        heldBytes = poolHeldBytes;
    }
}
