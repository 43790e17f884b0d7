package io.adaptivememory.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrantFeedbackTest {

    @ParameterizedTest
    @CsvSource({
        "org.apache.flink.table.runtime.operators.join.HashJoinOperator$InnerHashJoinOperator, HASH_JOIN",
        "org.apache.flink.table.runtime.operators.join.HashJoinOperator$ProbeOuterHashJoinOperator, HASH_JOIN",
        "LongHashJoinOperator$87, HASH_JOIN",
        "HashAggregateWithKeys$312, HASH_AGG",
        "LocalHashAggregateWithKeys$41, HASH_AGG",
    })
    void kindOf_hashTableOperators(String className, ConsumerKind kind) {
        assertEquals(kind, GrantFeedback.kindOf(className));
    }

    @ParameterizedTest
    @CsvSource({
        "org.apache.flink.table.runtime.operators.sort.SortOperator",
        "org.apache.flink.table.runtime.operators.join.SortMergeJoinOperator",
        "SortAggregateWithKeys$12",
        "org.apache.flink.table.runtime.operators.fusion.FusionStreamOperatorBase",
        "org.apache.flink.table.runtime.operators.over.BufferDataOverWindowOperator",
        "org.apache.flink.table.runtime.operators.aggregate.window.LocalSlicingWindowAggOperator",
        "org.example.hashjoin.MySortOperator",
    })
    void kindOf_otherTableOperators_noFeedback(String className) {
        assertNull(GrantFeedback.kindOf(className));
    }
}
