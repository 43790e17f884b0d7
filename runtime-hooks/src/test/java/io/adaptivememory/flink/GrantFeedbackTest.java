package io.adaptivememory.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    private static final long MIB = 1L << 20;

    @AfterEach
    void noSorterBuilt() {
        GrantFeedback.eagerSorterEnds();
    }

    @Test
    void wantedEagerSorterBytes_demandOverSpillingThresholdWithMargin_wholeMiB() {
        // 80 MiB held below a 0.8 threshold needs 100 MiB of sort memory, 125 MiB with the margin.
        assertEquals(125 * MIB, GrantFeedback.wantedEagerSorterBytes(80 * MIB, 0.8));
        assertEquals(2 * MIB, GrantFeedback.wantedEagerSorterBytes(MIB / 2, 0.5), "rounded up to whole MiB");
    }

    @ParameterizedTest
    @CsvSource({"0.8, true, true", "1.0, true, true", "0.8, false, false", "0.0, true, false", "1.5, true, false"})
    void eagerSorterBegins_onlyASorterThatSpillsAtAValidThresholdIsFedBack(double fraction, boolean spills,
            boolean fedBack) {
        GrantFeedback.eagerSorterBegins(fraction, spills);
        assertEquals(fedBack, GrantFeedback.buildingEagerSorter());
        GrantFeedback.eagerSorterEnds();
        assertFalse(GrantFeedback.buildingEagerSorter());
    }

    @Test
    void takeRaisedPages_onlyTheRaisedCountOnceAndNotAfterTheBuild() {
        GrantFeedback.eagerSorterBegins(0.8, true);
        GrantFeedback.allowRaisedPages(300, 200);
        assertEquals(-1, GrantFeedback.takeRaisedPages(299), "another count is Flink's to refuse");
        assertEquals(200, GrantFeedback.takeRaisedPages(300), "Flink's count, the fallback");
        assertEquals(-1, GrantFeedback.takeRaisedPages(300), "one allocation per plan");

        GrantFeedback.allowRaisedPages(300, 200);
        GrantFeedback.eagerSorterEnds();
        assertEquals(-1, GrantFeedback.takeRaisedPages(300), "the sorter was built");
    }
}
