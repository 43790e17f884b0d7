package io.adaptivememory.bench.workload;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Each slot's reserved managed memory over a run, sampled from the agent's meters: one panel per
 * policy side by side on a shared memory axis, the static per-slot share drawn as a dashed line.
 * A slot absent from a sample (not allocated, or freed) holds nothing then and is drawn at 0.
 */
public final class SlotMemoryChart {

    private static final double MIB = 1024.0 * 1024.0;
    /** One colour per slot index, the same in every panel. */
    private static final Color[] SLOT_COLOURS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    private SlotMemoryChart() {}

    public static void writePng(Path file, String title, long slotShareBytes, List<SkewedRun.Outcome> runs)
            throws IOException {
        TreeSet<Integer> slots = new TreeSet<>();
        for (SkewedRun.Outcome run : runs) {
            run.timeline().forEach(p -> slots.addAll(p.reservedBySlot().keySet()));
        }
        CombinedRangeXYPlot plot = new CombinedRangeXYPlot(new NumberAxis("reserved managed memory (MiB)"));
        plot.setGap(16);
        for (SkewedRun.Outcome run : runs) {
            plot.add(panel(run, slots, slotShareBytes), 1);
        }
        LegendItemCollection legend = new LegendItemCollection();
        for (int slot : slots) {
            legend.add(new LegendItem("slot " + slot, colour(slot)));
        }
        plot.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(file.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 520);
    }

    private static XYPlot panel(SkewedRun.Outcome run, TreeSet<Integer> slots, long slotShareBytes) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (int slot : slots) {
            XYSeries series = new XYSeries("slot " + slot);
            for (SlotPeaks.Point p : run.timeline()) {
                Map<Integer, Long> reserved = p.reservedBySlot();
                series.add(p.millis() / 1000.0, reserved.getOrDefault(slot, 0L) / MIB);
            }
            data.addSeries(series);
        }
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
        int series = 0;
        for (int slot : slots) {
            lines.setSeriesStroke(series, new BasicStroke(2f));
            lines.setSeriesPaint(series++, colour(slot));
        }
        XYPlot panel = new XYPlot(data, new NumberAxis(run.policy() + ": seconds since the job started"), null, lines);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
        panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker share = new ValueMarker(slotShareBytes / MIB, Color.DARK_GRAY,
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        share.setLabel("static share per slot");
        share.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        share.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        panel.addRangeMarker(share);
        return panel;
    }

    private static Color colour(int slot) {
        return SLOT_COLOURS[slot % SLOT_COLOURS.length];
    }
}
