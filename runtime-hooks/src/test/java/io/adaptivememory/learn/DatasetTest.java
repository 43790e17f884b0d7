package io.adaptivememory.learn;

import static io.adaptivememory.learn.Fixtures.MIB;
import static io.adaptivememory.learn.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryReader;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

class DatasetTest {

    @Test
    void build_unorderedRecords_rowsByEndTimeWithPreviousRunOfSameKey() {
        ConsumerRecord run2 = record(2_000, "tm", "job2", "v", ConsumerKind.SORT, 1, 1, 32 * MIB, 10 * MIB, 6 * MIB,
                100, 80 * MIB);
        ConsumerRecord run1 = record(1_000, "tm", "job1", "v", ConsumerKind.SORT, 1, 1, 32 * MIB, 8 * MIB, 0, 100,
                40 * MIB);
        ConsumerRecord otherSubtask = record(1_500, "tm", "job1", "v", ConsumerKind.SORT, 2, 2, 32 * MIB, 1 * MIB,
                0, 100, 4 * MIB);

        List<Row> rows = Dataset.build(List.of(run2, run1, otherSubtask)).rows();

        assertEquals(List.of(run1, otherSubtask, run2), rows.stream().map(Row::record).toList());
        assertArrayEquals(new double[] {1, 0, 32, 0.25, 0, 0}, rows.get(0).features(), 0);
        assertArrayEquals(new double[] {1, 40, 32, 0.25, 8, 1}, rows.get(2).features(), 0);
        assertEquals(16.0, rows.get(2).demandMiB(), 0);
        assertNull(rows.get(1).previous());
    }

    @Test
    void build_twoRecordsOfOneKeyInOneRun_bothSeeThePreviousRunNotEachOther() {
        ConsumerRecord old = record(1_000, "tm", "job1", "v", ConsumerKind.SORT, 0, 0, 0, 5 * MIB, 0, 10, MIB);
        ConsumerRecord first = record(2_000, "tm", "job2", "v", ConsumerKind.SORT, 0, 0, 0, 7 * MIB, 0, 10, MIB);
        ConsumerRecord second = record(3_000, "tm", "job2", "v", ConsumerKind.SORT, 0, 0, 0, 9 * MIB, 0, 10, MIB);
        ConsumerRecord next = record(4_000, "tm", "job3", "v", ConsumerKind.SORT, 0, 0, 0, 1 * MIB, 0, 10, MIB);

        List<Row> rows = Dataset.build(List.of(old, first, second, next)).rows();

        assertEquals(5.0, rows.get(1).features()[4], 0);
        assertEquals(5.0, rows.get(2).features()[4], 0);
        // the run's last record stands for it
        assertEquals(9.0, rows.get(3).features()[4], 0);
        assertEquals(2, rows.get(3).previous().runs());
    }

    @Test
    void build_brokenRecords_droppedAndCountedByReason() {
        ConsumerRecord good = record(1_000, "tm", "j", "v", ConsumerKind.SORT, 0, 0, MIB, MIB, 0, 10, MIB);
        ConsumerRecord noPeak = record(1_000, "tm", "j", "v", ConsumerKind.SORT, 1, 1, MIB, -1, 0, 10, MIB);
        ConsumerRecord noLifetime = record(1_000, "tm", "j", "v", ConsumerKind.SORT, 2, 2, MIB, MIB, 0, -1, MIB);
        ConsumerRecord noPlan = record(1_000, "tm", "j", "v", ConsumerKind.SORT, 3, 3, -1, MIB, 0, 10, MIB);

        Dataset dataset = Dataset.build(List.of(good, noPeak, noLifetime, noPlan));

        assertEquals(List.of(good), dataset.rows().stream().map(Row::record).toList());
        assertEquals(Map.of("peak not measured", 1, "lifetime not measured", 1, "Flink's request not recorded", 1),
                dataset.dropped());
        assertEquals(4, dataset.records());
    }

    @Test
    void build_fixture_tornLineSkippedAndUnmeasuredPeakDropped() throws IOException {
        HistoryReader.History history = HistoryReader.read(Fixtures.fixture());

        Dataset dataset = Dataset.build(history.consumers());

        assertEquals(1, history.problems().size(), history.problems().toString());
        assertEquals(24, dataset.records());
        assertEquals(23, dataset.rows().size());
        assertEquals("24 consumer records, 23 kept, 1 dropped (peak not measured)", dataset.summary());
    }
}
