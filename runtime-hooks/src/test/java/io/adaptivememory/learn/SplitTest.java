package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

class SplitTest {

    @Test
    void byRun_tenRuns_lastTwoTestTwoBeforeValidationNoRunInTwoParts() {
        List<Row> rows = Dataset.build(Fixtures.synthetic(10, 1)).rows();

        Split split = Split.byRun(rows, 0.2, 0.2);

        assertEquals(List.of(String.format("%032x", 9), String.format("%032x", 10)), split.testRuns());
        assertEquals(List.of(String.format("%032x", 7), String.format("%032x", 8)), split.validationRuns());
        assertEquals(6, split.trainRuns().size());
        Set<String> trainJobs = jobs(split.train());
        Set<String> testJobs = jobs(split.test());
        Set<String> validationJobs = jobs(split.validation());
        assertTrue(trainJobs.stream().noneMatch(testJobs::contains));
        assertTrue(trainJobs.stream().noneMatch(validationJobs::contains));
        assertTrue(validationJobs.stream().noneMatch(testJobs::contains));
        assertEquals(rows.size(), split.train().size() + split.validation().size() + split.test().size());
    }

    @Test
    void byRun_runsInterleavedInTime_orderedByFirstEnd() {
        List<Row> rows = Dataset.build(Fixtures.synthetic(5, 2)).rows();

        Split split = Split.byRun(rows, 0.2, 0.2);

        assertEquals(List.of(String.format("%032x", 5)), split.testRuns());
        assertEquals(List.of(String.format("%032x", 4)), split.validationRuns());
    }

    @Test
    void byRun_twoRuns_refusedWithTheCounts() {
        List<Row> rows = Dataset.build(Fixtures.synthetic(2, 3)).rows();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.byRun(rows, 0.2, 0.2));

        assertEquals("the history has 2 runs (job ids); a split into 0 training, 1 validation and 1 test runs"
                + " needs at least 3", e.getMessage());
    }

    private static Set<String> jobs(List<Row> rows) {
        Set<String> jobs = new HashSet<>();
        rows.forEach(r -> jobs.add(r.record().job()));
        return jobs;
    }
}
