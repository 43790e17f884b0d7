package io.adaptivememory.control.jmh;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.control.BusyPools;
import io.adaptivememory.control.Controller;
import io.adaptivememory.control.HeadroomGuard;
import io.adaptivememory.control.NativeMemory;
import io.adaptivememory.pool.TaskManagerPool;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One controller tick (headroom decision, the policy's rebalance, earmark expiry) over a busy
 * TaskManager of {@code slots} slots ({@link BusyPools}): the work the controller thread does every
 * {@code controller.interval}. The native headroom guard is off (no container limit to read),
 * as its cgroup read happens once a second, not per tick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ControllerTickBenchmark {

    @Param({"4", "64"})
    int slots;

    @Param({"static", "fair", "adaptive"})
    String policy;

    private Controller controller;
    private long now;

    @Setup
    public void setUp() {
        TaskManagerPool pool = BusyPools.of(PolicyKind.valueOf(policy.toUpperCase(Locale.ROOT)), slots);
        // Its own thread parks for an hour: the benchmark thread does the ticks.
        controller = new Controller(TimeUnit.HOURS.toNanos(1), TimeUnit.SECONDS.toNanos(10),
                new HeadroomGuard(NativeMemory.ofThisProcess(), 0.0), () -> {}, t -> {});
        controller.add(pool);
        now = System.nanoTime();
    }

    @TearDown
    public void tearDown() {
        controller.close();
    }

    @Benchmark
    public void tick() {
        now += 100_000_000L;
        controller.tick(now);
    }
}
