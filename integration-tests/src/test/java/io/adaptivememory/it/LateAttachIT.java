package io.adaptivememory.it;

import io.adaptivememory.bench.workload.BalancedSqlSortJob;
import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.workload.HeldSortJob;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedSqlJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.adaptivememory.it.AgentMeters.ACCOUNTING_ERRORS;
import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.POOL_TOTAL;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static io.adaptivememory.it.AgentMeters.SLOT_RESERVED;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Late attach on real Flink: {@code java -jar adaptive-memory-agent.jar attach <pid> ...} against
 * a running TaskManager that started without the agent.
 *
 * <p>This test JVM has the agent on its command line, so the TaskManager under test runs in a
 * child JVM ({@link Child}) started without {@code -javaagent}: an {@link EmbeddedCluster}
 * (1 TaskManager, 64 MiB of managed memory per slot) that runs a first job with Flink's own
 * budgets, then waits on its stdin while the test attaches the agent with the real attach
 * command, then runs the skewed SQL job. The test sees the agent as an operator does: through
 * the child's log and the Prometheus endpoint the attach command opened.
 *
 * <p>The pool spans the whole TaskManager (slots x 64 MiB). Slots allocated before the attach
 * keep Flink's own budgets; each is registered as a <em>passive</em> account whose whole 64 MiB
 * share the pool holds until the slot is freed, when that memory returns to the pool. In a session
 * cluster the first job's slots may or may not be freed yet when the pool opens, so how many
 * slots were passive is read from the child's log line. A second case makes that deterministic: a
 * job holds one slot across the attach; a third holds four and frees them later.
 */
public class LateAttachIT {

    static final long SKEWED_ROWS = 1_500_000;
    static final long SMALL_ROWS = 300_000;
    static final long FIRST_ROWS = 50_000;
    /** A one-slot job whose result is not read until the end, so its slot stays allocated across the attach. */
    static final long HELD_ROWS = 350_000;
    static final Duration STARTUP = Duration.ofSeconds(60);
    static final Duration JOB = Duration.ofSeconds(90);

    static final String READY = "READY_FOR_ATTACH";
    static final String DONE = "SECOND_JOB_DONE";

    static final Pattern ATTACHED = Pattern.compile(
            "attached to a running TaskManager: (\\d+) slots allocated before the attach keep Flink's own budgets; "
                    + "the pool holds their shares until they are freed");
    static final Pattern GOVERNS = Pattern.compile(
            "governs this TaskManager's managed memory: (\\d+) bytes across (\\d+) slots \\((\\d+) bytes each\\), "
                    + "policy ([\\w-]+)");
    static final String SLOT_GUARANTEE = "adaptive_memory_slot_guarantee_bytes";
    /** Managed memory held by no slot: the pool's total once every slot, pre-attach ones included, is freed. */
    static final String POOL_FREE = "adaptive_memory_pool_free_bytes";
    static final Pattern SECOND_JOB = Pattern.compile("SECOND_JOB groups=(\\d+) digest=(\\S+) millis=(\\d+)");

    static String skewedDigest;
    static int skewedGroups;
    static String smallDigest;

    @BeforeAll
    static void computeExpected() {
        Map<Long, String> skewed = new SkewedSqlJob(SKEWED_ROWS).expected();
        skewedDigest = digest(skewed);
        skewedGroups = skewed.size();
        smallDigest = digest(new SkewedSqlJob(SMALL_ROWS).expected());
    }

    // ------------------------------------------------------------------------
    //  Cases
    // ------------------------------------------------------------------------

    /**
     * A 4-slot TaskManager ran a job before the attach; after the attach the skewed job's slots
     * are governed: a pool of the whole TaskManager's managed memory (256 MiB over 4 slots), the
     * first job's slots that were still allocated when it opened held by the pool as passive
     * accounts until freed, per-slot meters, the hot slot borrowing, the exact result, no
     * fail-open and an empty pool afterwards.
     */
    @Test
    @Timeout(180)
    void lateAttach_slotsAllocatedAfterTheAttachAreGoverned() throws Exception {
        int slots = EmbeddedCluster.SLOTS;
        try (ChildJvm child = ChildJvm.start(slots, FIRST_ROWS, 0, SKEWED_ROWS)) {
            Governed g = attachAndRunGoverned(child, slots);
            // Robust to the session cluster's timing: pre-attach slots of the first job may still
            // have been allocated when the pool opened. The skewed job needs all 4 slots, so it
            // got them only once those were freed and their shares were back in the pool: the
            // pool had room to lend however many there were.
            assertTrue(g.peaks.hottestSlotPeak() > SLOT_BYTES,
                    "the pool had room, so the hot slot borrowed beyond its 64 MiB share ("
                            + g.preAttachSlots + " pre-attach slots when the pool opened): "
                            + g.peaks.peakReservedBySlot() + "\n" + child.log());
        }
    }

    /**
     * A job holds one slot of a 5-slot TaskManager across the attach (its sorter's output is not
     * read): that slot keeps Flink's own 64 MiB budget and is a passive account of the pool
     * (320 MiB over all 5 slots) that holds its whole 64 MiB share while the held job runs; its
     * job still gives its exact result when it is finally read, and its share returns to the pool
     * when its slot is freed. The 4 slots of the skewed job started after the attach are governed
     * and the hot one borrows.
     */
    @Test
    @Timeout(180)
    void lateAttach_whileAJobHoldsASlot_thePoolHoldsItsShareUntilItIsFreed() throws Exception {
        int slots = EmbeddedCluster.SLOTS + 1;
        try (ChildJvm child = ChildJvm.start(slots, FIRST_ROWS, HELD_ROWS, SKEWED_ROWS)) {
            Governed g = attachAndRunGoverned(child, slots);
            assertEquals(1, g.preAttachSlots, "exactly the held job's slot was allocated before the attach\n" + child.log());
            assertEquals(slots, g.poolSlots, "the pool spans all 5 slots");
            assertEquals(slots * SLOT_BYTES, g.poolTotal, "320 MiB in the pool");

            // When the pool opened (the held job still running), the held slot was its first account.
            Map<Integer, Long> reservedAtOpen = g.opened.bySlot(SLOT_RESERVED);
            assertEquals(SLOT_BYTES, reservedAtOpen.get(0),
                    "the pool holds the held slot's whole 64 MiB share: " + g.opened.samples());
            assertEquals(SLOT_BYTES, g.opened.bySlot(SLOT_GUARANTEE).get(0), "the held slot's share");
            assertTrue(g.opened.get(POOL_RESERVED) >= SLOT_BYTES,
                    "pool reserved " + g.opened.get(POOL_RESERVED) + " includes the held slot's share");

            Map<Integer, Long> guarantees = g.peaks.guaranteeBySlot();
            assertEquals(slots, guarantees.size(),
                    "the held slot and the skewed job's 4 slots have meters: " + guarantees);
            Map<Integer, Long> peaksBySlot = g.peaks.peakReservedBySlot();
            assertEquals(SLOT_BYTES, peaksBySlot.get(0),
                    "the held slot's account held exactly its share, no more, during the skewed job: " + peaksBySlot);
            long hottestGoverned = peaksBySlot.entrySet().stream().filter(e -> e.getKey() != 0)
                    .mapToLong(Map.Entry::getValue).max().orElse(0);
            assertTrue(hottestGoverned > SLOT_BYTES,
                    "the pool had room (4 x 64 MiB besides the held share), so the skewed job's hot slot borrowed "
                            + "beyond its 64 MiB share: " + peaksBySlot + "\n" + child.log());
            assertTrue(child.hasLine("HELD_JOB equals-expected=true"),
                    "the job that kept Flink's budget across the attach gives its exact result\n" + child.log());
            // attachAndRunGoverned checked that the pool was empty and all free once the held slot was freed.
        }
    }

    /** {@code enabled=false} on the attach command: the agent logs that it is disabled and does nothing. */
    @Test
    @Timeout(120)
    void lateAttach_disabled_leavesTheTaskManagerAlone() throws Exception {
        int port = StandaloneCluster.freePort();
        try (ChildJvm child = ChildJvm.start(EmbeddedCluster.SLOTS, FIRST_ROWS, 0, SMALL_ROWS)) {
            child.awaitLine(READY::equals, STARTUP);
            String attach = attach(child.pid(), "enabled=false,metrics.prometheus.port=" + port);
            assertTrue(attach.contains("attached to process " + child.pid()), attach);
            child.awaitLine(l -> l.contains("Flink Adaptive Memory") && l.contains("is disabled (adaptive.memory.enabled=false)"),
                    Duration.ofSeconds(10));
            child.send("go");
            child.awaitLine(DONE::equals, JOB);
            Matcher m = child.match(SECOND_JOB);
            assertEquals(smallDigest, m.group(2), "exact result with Flink managing memory alone\n" + child.log());
            assertThrows(IllegalStateException.class, () -> new Prometheus(port).scrape(),
                    "a disabled agent opens no Prometheus endpoint");
            assertFalse(child.hasLineContaining("governs this TaskManager"), "no pool was opened\n" + child.log());
            assertFalse(child.hasLineContaining("active (attach)"), "the agent did not activate\n" + child.log());
            child.assertNoAgentErrors();
            child.finish();
        }
    }

    /**
     * Slots allocated before the attach and freed after it. Four one-slot jobs hold 4 of 5 slots
     * across the attach; a one-slot job then opens the pool, which spans all 5 slots (320 MiB)
     * and holds the four held slots' shares as passive accounts. Once the four jobs finish, their
     * slots are freed and their shares return to the pool; a 5-slot job must then run and give
     * its exact result (lazy SQL sorters and eager DataStream sorters), as it does with
     * {@code enabled=false}.
     */
    @Test
    @Timeout(180)
    void lateAttach_preAttachSlotsFreedLater_aJobOnAllSlotsStillRuns() throws Exception {
        int port = StandaloneCluster.freePort();
        int slots = EmbeddedCluster.SLOTS + 1;
        try (ChildJvm child = ChildJvm.start(FreedSlotsChild.class)) {
            child.awaitLine(READY::equals, STARTUP);
            String attach = attach(child.pid(), "metrics.prometheus.port=" + port);
            assertTrue(attach.contains("attached to process " + child.pid()), attach);
            Prometheus prometheus = new Prometheus(port);
            child.send("go");
            // The opening job's slot opens the pool; the four held slots' accounts are bound
            // before the line is logged, and stay until the opening job has finished.
            child.awaitLine(l -> ATTACHED.matcher(l).find(), JOB);
            AgentMeters.Snapshot opened = AgentMeters.scrape(prometheus);
            child.awaitLine(DONE::equals, JOB);
            AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(prometheus);
            System.out.printf("LateAttachIT (freed pre-attach slots): pool %d MiB; floor shortfalls %.0f%n",
                    mib(after.get(POOL_TOTAL)), after.get("adaptive_memory_floor_shortfalls_total"));
            child.finish();

            assertEquals(EmbeddedCluster.SLOTS, child.count("HELD_JOB equals-expected=true"::equals),
                    "the four jobs that held their slots across the attach give their exact results\n" + child.log());
            assertTrue(child.hasLine("OPENING_JOB equals-expected=true"), child.log());
            assertTrue(child.hasLine("FREED_SLOTS lazy-sql equals-expected=true"),
                    "a 5-slot SQL sort job after the pre-attach slots were freed\n" + child.log());
            assertTrue(child.hasLine("FREED_SLOTS eager-datastream equals-expected=true"),
                    "a 5-slot DataStream batch sort job after the pre-attach slots were freed\n" + child.log());

            assertEquals(1, child.count(l -> ATTACHED.matcher(l).find()), "the pool opened once\n" + child.log());
            assertEquals(1, child.count(l -> GOVERNS.matcher(l).find()), "one pool\n" + child.log());
            assertEquals(EmbeddedCluster.SLOTS, Integer.parseInt(child.match(ATTACHED).group(1)),
                    "the four held slots were allocated before the attach\n" + child.log());
            Matcher governs = child.match(GOVERNS);
            assertEquals(slots * SLOT_BYTES, Long.parseLong(governs.group(1)), "the pool spans all 5 slots' memory");
            assertEquals(slots, Integer.parseInt(governs.group(2)));
            Map<Integer, Long> held = opened.bySlot(SLOT_RESERVED);
            for (int slot = 0; slot < EmbeddedCluster.SLOTS; slot++) {
                assertEquals(SLOT_BYTES, held.get(slot),
                        "the pool holds held slot " + slot + "'s whole share: " + opened.samples());
            }
            assertTrue(opened.get(POOL_RESERVED) >= EmbeddedCluster.SLOTS * SLOT_BYTES,
                    "pool reserved " + opened.get(POOL_RESERVED) + " includes the four held shares");

            assertEquals(0.0, after.get(POOL_RESERVED), "every page is back in the pool");
            assertEquals(0.0, after.get(POOL_EARMARKED), "no earmark is left");
            assertEquals(slots * SLOT_BYTES, (long) after.get(POOL_FREE),
                    "the freed pre-attach slots' shares are back in the pool");
            assertEquals(0.0, after.get(FAILOPEN));
            assertEquals(0.0, after.get(ACCOUNTING_ERRORS), "no accounting error");
            child.assertNoAgentErrors();
        }
    }

    // ------------------------------------------------------------------------
    //  The common governed scenario
    // ------------------------------------------------------------------------

    /**
     * What the pool looked like after a governed late attach and the skewed job; {@code opened}
     * is the endpoint scraped right after the pool opened.
     */
    record Governed(int preAttachSlots, long poolTotal, int poolSlots, SlotPeaks peaks, AgentMeters.Snapshot opened) {}

    /**
     * Attaches the agent (policy adaptive, set by the child's EmbeddedCluster), runs the skewed
     * job while sampling the child's agent endpoint, and asserts everything that holds however
     * many pre-attach slots were still allocated.
     */
    static Governed attachAndRunGoverned(ChildJvm child, int slots) throws Exception {
        int port = StandaloneCluster.freePort();
        child.awaitLine(READY::equals, STARTUP);
        assertTrue(child.hasLine("FIRST_JOB equals-expected=true"), "pre-attach job result\n" + child.log());

        long attachStart = System.nanoTime();
        String attach = attach(child.pid(), "metrics.prometheus.port=" + port);
        long attachMillis = (System.nanoTime() - attachStart) / 1_000_000;
        assertTrue(attach.contains("attached to process " + child.pid()), attach);
        child.awaitLine(l -> l.contains("Flink Adaptive Memory") && l.contains("active (attach)")
                && l.contains("policy adaptive"), Duration.ofSeconds(10));

        Prometheus prometheus = new Prometheus(port);
        AgentMeters.Snapshot attached = AgentMeters.scrape(prometheus);
        assertEquals(0.0, attached.get(FAILOPEN), "no fail-open on attach");
        assertTrue(Prometheus.value(attached.samples(), POOL_TOTAL, s -> true).isEmpty(),
                "no pool before the first slot allocated after the attach: " + attached.samples());

        SlotPeaks peaks = new SlotPeaks(prometheus);
        AgentMeters.Snapshot opened;
        try (peaks) {
            child.send("go");
            // Logged once the pre-attach slots' passive accounts are registered and bound.
            child.awaitLine(l -> ATTACHED.matcher(l).find(), JOB);
            opened = AgentMeters.scrape(prometheus);
            child.awaitLine(DONE::equals, JOB);
        }
        AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(prometheus);
        child.finish();

        Matcher second = child.match(SECOND_JOB);
        Matcher attachedLine = child.match(ATTACHED);
        Matcher governs = child.match(GOVERNS);
        int preAttachSlots = Integer.parseInt(attachedLine.group(1));
        long poolTotal = Long.parseLong(governs.group(1));
        int poolSlots = Integer.parseInt(governs.group(2));
        System.out.printf("LateAttachIT (%d slots): attach command %d ms; %d pre-attach slots held by the pool when it"
                        + " opened; pool %d MiB over %d slots; skewed job %s ms; slot peaks %s MiB; pool peak %d MiB%n",
                slots, attachMillis, preAttachSlots, mib(poolTotal), poolSlots, second.group(3),
                mibs(peaks.peakReservedBySlot()), mib(peaks.peakPoolReserved()));

        assertEquals(skewedDigest, second.group(2), "the skewed job's result equals the Java-computed one\n" + child.log());
        assertEquals(String.valueOf(skewedGroups), second.group(1), "groups");

        assertEquals(1, child.count(l -> ATTACHED.matcher(l).find()), "the pool opened once\n" + child.log());
        assertEquals(1, child.count(l -> GOVERNS.matcher(l).find()), "one pool\n" + child.log());
        assertEquals("adaptive", governs.group(4));
        assertEquals(SLOT_BYTES, Long.parseLong(governs.group(3)), "64 MiB per slot");
        assertTrue(preAttachSlots < slots, "the slot that opened the pool was allocated after the attach");
        assertEquals(slots, poolSlots, "the pool spans all the TaskManager's slots");
        assertEquals(slots * SLOT_BYTES, poolTotal, "pool = the whole TaskManager's managed memory");
        assertEquals(poolTotal, peaks.poolTotal(), "the endpoint's pool total is the logged one");

        Map<Integer, Long> guarantees = peaks.guaranteeBySlot();
        assertTrue(guarantees.size() >= EmbeddedCluster.SLOTS && guarantees.size() <= slots,
                "per-slot meters for the skewed job's 4 slots (and pre-attach slots) while it ran: " + guarantees);
        guarantees.forEach((slot, bytes) -> assertEquals(SLOT_BYTES, bytes, "slot " + slot + "'s share"));
        assertTrue(peaks.hottestSlotPeak() > 0, "the governed slots reserved through the pool: "
                + peaks.peakReservedBySlot());
        assertTrue(peaks.peakPoolReserved() <= poolTotal,
                "pool reserved " + peaks.peakPoolReserved() + " never exceeded its total " + poolTotal);

        assertEquals(0.0, after.get(POOL_RESERVED), "every page is back in the pool after the job");
        assertEquals(0.0, after.get(POOL_EARMARKED), "no earmark is left");
        assertEquals(poolTotal, (long) after.get(POOL_FREE), "pre-attach slots' shares are back in the pool");
        assertEquals(0.0, after.get(FAILOPEN), "the agent never fell back to Flink's own behaviour");
        assertEquals(0.0, after.get(ACCOUNTING_ERRORS), "no accounting error");
        assertEquals(poolTotal, (long) after.get(POOL_TOTAL), "the pool is still open");
        child.assertNoAgentErrors();
        return new Governed(preAttachSlots, poolTotal, poolSlots, peaks, opened);
    }

    // ------------------------------------------------------------------------
    //  Helpers
    // ------------------------------------------------------------------------

    /** Runs the real attach command, bounded, and returns its output. */
    static String attach(long pid, String properties) throws Exception {
        String agentJar = System.getProperty("agent.jar");
        assertTrue(agentJar != null && Files.isRegularFile(Path.of(agentJar)), "agent jar " + agentJar);
        Process p = new ProcessBuilder(java(), "-jar", agentJar, "attach", String.valueOf(pid), properties)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out;
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                fail("the attach command did not finish within 60 s");
            }
            out = p.getInputStream().readAllBytes();
        } finally {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.println("[attach] " + text.strip());
        assertEquals(0, p.exitValue(), "attach command exit code; output:\n" + text);
        return text;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String digest(Map<Long, String> result) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(result.toString().getBytes(StandardCharsets.UTF_8));
            return String.format("%064x", new BigInteger(1, d));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Integer, Long> mibs(Map<Integer, Long> bytes) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        bytes.forEach((k, v) -> out.put(k, mib(v)));
        return out;
    }

    /** The child JVM: started without the agent, its output captured line by line, always destroyed. */
    static final class ChildJvm implements AutoCloseable {

        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private final long pid;

        private ChildJvm(Process process) throws InterruptedException {
            this.process = process;
            this.reader = new Thread(this::read, "late-attach-child-output");
            this.reader.setDaemon(true);
            this.reader.start();
            try {
                String line = awaitLine(l -> l.startsWith("CHILD pid="), STARTUP);
                Matcher m = Pattern.compile("CHILD pid=(\\d+) javaagent=(\\S+)").matcher(line);
                assertTrue(m.find(), line);
                this.pid = Long.parseLong(m.group(1));
                assertEquals(process.pid(), pid, "the child's own pid");
                assertEquals("false", m.group(2), "the child JVM starts without the agent");
            } catch (RuntimeException | Error | InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        static ChildJvm start(int slots, long firstRows, long heldRows, long secondRows)
                throws IOException, InterruptedException {
            return start(Child.class, String.valueOf(slots), String.valueOf(firstRows), String.valueOf(heldRows),
                    String.valueOf(secondRows));
        }

        static ChildJvm start(Class<?> main, String... args) throws IOException, InterruptedException {
            // Surefire's JVM sees a manifest-only booter jar as java.class.path; the real test class path is here.
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(java(),
                    "-Xmx1g", "-XX:MaxDirectMemorySize=1g",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-Dorg.slf4j.simpleLogger.log.io.adaptivememory=info",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                    "-cp", classPath,
                    main.getName()));
            command.addAll(Arrays.asList(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            return new ChildJvm(pb.start());
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[child] " + line);
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process was destroyed
            } finally {
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        }

        long pid() {
            return pid;
        }

        /**
         * The first line matching {@code what}, waiting at most {@code timeout}. Fails early with the
         * child's log if the child died or reported a failure.
         */
        String awaitLine(Predicate<String> what, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    for (String l : lines) {
                        if (what.test(l)) {
                            return l;
                        }
                    }
                    if (lines.stream().anyMatch(l -> l.startsWith("CHILD_FAILED"))) {
                        fail("the child JVM failed:\n" + log());
                    }
                    if (!process.isAlive() && !reader.isAlive()) {
                        fail("the child JVM exited (" + process.exitValue() + ") before the expected line:\n" + log());
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("timed out after " + timeout.toSeconds() + " s waiting for the child; its log:\n" + log());
                    }
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 500)));
                }
            }
        }

        boolean hasLine(String exact) {
            return count(exact::equals) > 0;
        }

        boolean hasLineContaining(String part) {
            return count(l -> l.contains(part)) > 0;
        }

        long count(Predicate<String> what) {
            synchronized (lines) {
                return lines.stream().filter(what).count();
            }
        }

        Matcher match(Pattern pattern) {
            synchronized (lines) {
                for (String l : lines) {
                    Matcher m = pattern.matcher(l);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            throw new AssertionError("the child's log has no line matching " + pattern + ":\n" + log());
        }

        String log() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** Tells the child to shut its cluster down and waits (bounded) for it to exit cleanly. */
        void finish() throws Exception {
            send("exit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail("the child did not exit within 30 s:\n" + log());
            }
            reader.join(5_000);
            assertEquals(0, process.exitValue(), "child exit code\n" + log());
        }

        /** No hook failed to install and nothing in the agent failed in the child. */
        void assertNoAgentErrors() {
            assertEquals(0, count(l -> l.contains("could not instrument")), "a retransformation failed\n" + log());
            assertEquals(0, count(l -> l.contains("Flink Adaptive Memory could not")), "the agent failed\n" + log());
            assertEquals(0, count(l -> l.contains(" ERROR ") && l.contains("io.adaptivememory")),
                    "the agent logged an error\n" + log());
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            reader.join(5_000);
        }
    }

    /**
     * The TaskManager under test, in its own JVM without the agent: an {@link EmbeddedCluster}
     * with {@code args[0]} slots runs a first skewed job of {@code args[1]} rows, optionally
     * starts a one-slot {@link HeldSortJob} of {@code args[2]} rows whose result it reads only at
     * the end, says {@value #READY} and waits for "go" on stdin (the test attaches the agent
     * meanwhile), runs the skewed job of {@code args[3]} rows, says {@value #DONE} and waits for
     * "exit". Markers go to stdout, Flink's and the agent's log to stderr.
     */
    public static final class Child {

        private Child() {}

        public static void main(String[] args) {
            int slots = Integer.parseInt(args[0]);
            long firstRows = Long.parseLong(args[1]);
            long heldRows = Long.parseLong(args[2]);
            long secondRows = Long.parseLong(args[3]);
            PrintStream out = System.out;
            boolean agentOnCommandLine = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .anyMatch(a -> a.startsWith("-javaagent"));
            out.println("CHILD pid=" + ProcessHandle.current().pid() + " javaagent=" + agentOnCommandLine);
            int exit = 1;
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (EmbeddedCluster cluster = EmbeddedCluster.start("adaptive", slots, Map.of())) {
                SkewedSqlJob first = new SkewedSqlJob(firstRows);
                Map<Long, String> firstResult =
                        first.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS)));
                out.println("FIRST_JOB equals-expected=" + first.expected().equals(firstResult));
                HeldSortJob heldJob = new HeldSortJob(Math.max(1, heldRows), 1);
                HeldSortJob.Held held = null;
                if (heldRows > 0) {
                    awaitFreeSlots(cluster, slots);
                    held = heldJob.start(cluster.batchTableEnvironment(AgentMeters.noRestart(HeldSortJob.options())));
                    awaitFreeSlots(cluster, slots - 1);
                    out.println("HELD_JOB holds one slot");
                }
                out.println("BEFORE_ATTACH free-slots=" + freeSlots(cluster) + " of " + slots);
                out.println(READY);
                expect(stdin, "go");
                long start = System.nanoTime();
                Map<Long, String> second = new SkewedSqlJob(secondRows)
                        .run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS)));
                out.println("SECOND_JOB groups=" + second.size() + " digest=" + digest(second)
                        + " millis=" + (System.nanoTime() - start) / 1_000_000);
                if (held != null) {
                    long[] ids;
                    try (HeldSortJob.Held h = held) {
                        ids = h.drain();
                    }
                    out.println("HELD_JOB equals-expected=" + Arrays.equals(heldJob.expected(), ids));
                }
                out.println(DONE);
                expect(stdin, "exit");
                exit = 0;
            } catch (Throwable t) {
                t.printStackTrace(out);
                out.println("CHILD_FAILED " + t);
            }
            out.println("CHILD_EXIT " + exit);
            out.flush();
            System.exit(exit);
        }

        static void expect(BufferedReader stdin, String word) throws IOException {
            String line = stdin.readLine();
            if (!word.equals(line)) {
                throw new IllegalStateException("expected '" + word + "' on stdin, got " + line);
            }
        }

        /** The TaskManager's free slots as the REST API reports them. */
        static int freeSlots(EmbeddedCluster cluster) throws Exception {
            Map<String, String> conf = cluster.clientConfig();
            URI uri = URI.create("http://" + conf.get("rest.address") + ":" + conf.get("rest.port") + "/taskmanagers");
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"freeSlots\"\\s*:\\s*(\\d+)").matcher(response.body());
            if (!m.find()) {
                throw new IllegalStateException("no freeSlots in " + response.body());
            }
            return Integer.parseInt(m.group(1));
        }

        /** Waits (bounded) until the TaskManager has {@code free} free slots for a second. */
        static void awaitFreeSlots(EmbeddedCluster cluster, int free) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int stable = 0;
            int now = -1;
            while (System.nanoTime() < deadline) {
                now = freeSlots(cluster);
                stable = now == free ? stable + 1 : 0;
                if (stable >= 10) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the TaskManager never had " + free + " free slots; last " + now);
        }
    }

    /** The child of {@link #lateAttach_preAttachSlotsFreedLater_aJobOnAllSlotsStillRuns}. */
    public static final class FreedSlotsChild {

        private FreedSlotsChild() {}

        public static void main(String[] args) {
            int slots = EmbeddedCluster.SLOTS + 1;
            PrintStream out = System.out;
            out.println("CHILD pid=" + ProcessHandle.current().pid() + " javaagent="
                    + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                            .anyMatch(a -> a.startsWith("-javaagent")));
            int exit = 1;
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (EmbeddedCluster cluster = EmbeddedCluster.start("adaptive", slots, Map.of())) {
                HeldSortJob heldJob = new HeldSortJob(HELD_ROWS, 1);
                List<HeldSortJob.Held> held = new ArrayList<>();
                try {
                    // Submitted together: each takes one slot and keeps it until its result is read.
                    for (int i = 1; i < slots; i++) {
                        held.add(heldJob.start(
                                cluster.batchTableEnvironment(AgentMeters.noRestart(HeldSortJob.options()))));
                    }
                    Child.awaitFreeSlots(cluster, 1);
                    out.println("BEFORE_ATTACH free-slots=" + Child.freeSlots(cluster) + " of " + slots);
                    out.println(READY);
                    Child.expect(stdin, "go");
                    Map<String, String> oneSlot = new java.util.HashMap<>(SkewedSqlJob.OPTIONS);
                    oneSlot.put("table.exec.resource.default-parallelism", "1");
                    oneSlot.put("parallelism.default", "1");
                    SkewedSqlJob opening = new SkewedSqlJob(FIRST_ROWS);
                    out.println("OPENING_JOB equals-expected=" + opening.expected().equals(
                            opening.run(cluster.batchTableEnvironment(AgentMeters.noRestart(oneSlot)))));
                    long[] expected = heldJob.expected();
                    // Read together, so the four slots are freed at about the same time.
                    List<java.util.concurrent.CompletableFuture<long[]>> drained = new ArrayList<>();
                    for (HeldSortJob.Held h : held) {
                        drained.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return h.drain();
                            } catch (Exception e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        }));
                    }
                    for (java.util.concurrent.CompletableFuture<long[]> d : drained) {
                        out.println("HELD_JOB equals-expected="
                                + Arrays.equals(expected, d.get(JOB.toSeconds(), TimeUnit.SECONDS)));
                    }
                } finally {
                    for (HeldSortJob.Held h : held) {
                        h.close();
                    }
                }
                Child.awaitFreeSlots(cluster, slots);
                out.println("ALL_SLOTS_FREE " + slots);
                Map<String, String> allSlots = new java.util.HashMap<>(BalancedSqlSortJob.options());
                allSlots.put("table.exec.resource.default-parallelism", String.valueOf(slots));
                allSlots.put("parallelism.default", String.valueOf(slots));
                BalancedSqlSortJob lazy = new BalancedSqlSortJob(720_000, 1000, 8);
                try {
                    out.println("FREED_SLOTS lazy-sql equals-expected=" + lazy.expected().equals(
                            lazy.run(cluster.batchTableEnvironment(AgentMeters.noRestart(allSlots)))));
                } catch (Exception e) {
                    e.printStackTrace(out);
                    out.println("FREED_SLOTS lazy-sql FAILED " + e);
                }
                Map<String, String> client = new java.util.HashMap<>(AgentMeters.noRestart(cluster.clientConfig()));
                client.put("parallelism.default", String.valueOf(slots));
                SkewedDataStreamSortJob eager = new SkewedDataStreamSortJob(300_000);
                try {
                    out.println("FREED_SLOTS eager-datastream equals-expected=" + eager.expected().equals(eager.run(client)));
                } catch (Exception e) {
                    e.printStackTrace(out);
                    out.println("FREED_SLOTS eager-datastream FAILED " + e);
                }
                out.println(DONE);
                Child.expect(stdin, "exit");
                exit = 0;
            } catch (Throwable t) {
                t.printStackTrace(out);
                out.println("CHILD_FAILED " + t);
            }
            out.println("CHILD_EXIT " + exit);
            out.flush();
            System.exit(exit);
        }
    }
}
