package io.adaptivememory.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The all-or-nothing check of the hooks against the Flink classes on a class path. */
class FlinkInstrumentationTest {

    @Test
    void mismatches_realFlinkRuntime_none() {
        assertEquals(List.of(), FlinkInstrumentation.mismatches(getClass().getClassLoader()));
    }

    @Test
    void mismatches_releaseMemoryRenamed_namesThatMethodOnly() {
        byte[] changed = ChangedFlink.budgetWithRenamedRelease();
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                return name.equals(ChangedFlink.BUDGET_RESOURCE)
                        ? new ByteArrayInputStream(changed)
                        : super.getResourceAsStream(name);
            }
        };

        assertEquals(List.of(FlinkInstrumentation.BUDGET + ".releaseMemory(long) is missing"),
                FlinkInstrumentation.mismatches(loader));
    }

    @Test
    void mismatches_noFlink_everyRuntimeClassMissingAndTableClassesNotRequired() {
        ClassLoader empty = new ClassLoader(null) {};

        List<String> problems = FlinkInstrumentation.mismatches(empty);

        long runtimeHooks = FlinkInstrumentation.HOOK_POINTS.stream().filter(FlinkInstrumentation.HookPoint::typeRequired).count();
        assertEquals(runtimeHooks, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.endsWith(" is not on the class path")), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("org.apache.flink.table.")), problems.toString());
    }
}
