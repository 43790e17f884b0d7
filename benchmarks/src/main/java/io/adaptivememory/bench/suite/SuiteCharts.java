package io.adaptivememory.bench.suite;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Bar charts of the suite's medians: one group of bars per workload, one bar per policy. */
final class SuiteCharts {

    /** One colour per policy, in {@link Policy} order, the same in every chart. */
    private static final Color[] POLICY_COLOURS = {
        new Color(0x7f7f7f), new Color(0xff7f0e), new Color(0x1f77b4), new Color(0x2ca02c)
    };

    private SuiteCharts() {}

    static Path wallTime(Path dir, List<Summary> summaries) throws IOException {
        return write(dir.resolve("wall-time.png"), "Median wall time per workload and policy", "wall time (s)",
                summaries, s -> s.wallMillis() / 1000.0);
    }

    static Path spilled(Path dir, List<Summary> summaries) throws IOException {
        return write(dir.resolve("spilled.png"), "Median bytes spilled per workload and policy", "spilled (MiB)",
                summaries, s -> s.spilledBytes() / (1 << 20));
    }

    private static Path write(Path file, String title, String axis, List<Summary> summaries,
            ToDoubleFunction<Summary> value) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        // Series in Policy order, so that each policy keeps its colour whatever subset ran.
        for (Policy p : Policy.values()) {
            for (Summary s : summaries) {
                if (s.policy() == p) {
                    data.addValue(value.applyAsDouble(s), p.label(), s.workload());
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "workload", axis, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        for (int series = 0; series < data.getRowCount(); series++) {
            Policy p = Policy.of(data.getRowKey(series).toString());
            bars.setSeriesPaint(series, POLICY_COLOURS[p.ordinal()]);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 600);
        return file;
    }
}
