package io.adaptivememory.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class TaskIdentityTest {

    private static final String TASK = "SortAggregate[5] -> Calc[6] -> Sink: Collect table sink";

    @Test
    void flinkThreadName_givesSubtaskParallelismAndOperator() {
        String name = TASK + " (3/4)#0";

        assertEquals(2, TaskIdentity.subtask(name));
        assertEquals(4, TaskIdentity.parallelism(name));
        assertEquals("SortAggregate", TaskIdentity.operator(name));
    }

    @Test
    void vertexKey_sameTaskOtherSubtaskOrAttempt_isTheSame() {
        assertEquals(TaskIdentity.vertexKey(TASK + " (1/4)#0"), TaskIdentity.vertexKey(TASK + " (4/4)#2"));
        assertNotEquals(TaskIdentity.vertexKey(TASK + " (1/4)#0"), TaskIdentity.vertexKey("HashJoin[3] (1/4)#0"));
    }

    @Test
    void nameWithoutFlinkSuffix_isOneSubtaskOfOne() {
        assertEquals(0, TaskIdentity.subtask("main"));
        assertEquals(1, TaskIdentity.parallelism("main"));
        assertEquals(16, TaskIdentity.vertexId(TaskIdentity.vertexKey("main")).length());
    }

    @Test
    void parenthesesInsideTheTaskName_doNotConfuseTheSuffix() {
        String name = "Calc(select=[a, (b / 2)]) (12/16)#1";

        assertEquals(11, TaskIdentity.subtask(name));
        assertEquals(16, TaskIdentity.parallelism(name));
        assertEquals("Calc", TaskIdentity.operator(name));
    }
}
