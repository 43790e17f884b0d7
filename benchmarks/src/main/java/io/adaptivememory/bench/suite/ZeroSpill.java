package io.adaptivememory.bench.suite;

/**
 * The smallest managed memory per slot of the sweep's grid at which a workload spilled nothing
 * under a policy.
 *
 * @param slotBytes that size, or -1 if it spilled at every size of the grid
 */
public record ZeroSpill(String workload, Policy policy, long slotBytes) {

    public boolean found() {
        return slotBytes > 0;
    }
}
