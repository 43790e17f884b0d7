package io.adaptivememory.learn;

import java.util.List;
import java.util.Locale;

/**
 * The evaluation's chart as a self-contained SVG: two panels of bars, one bar per predictor,
 * RMSE (MiB, scaled to the largest) on the left and grant accuracy (0-100 %) on the right, each
 * bar labelled with its value.
 */
final class EvaluationChart {

    private static final int PANEL_WIDTH = 420;
    private static final int PLOT_HEIGHT = 220;
    private static final int TOP = 40;
    private static final int BOTTOM = 70;
    private static final int BAR_GAP = 12;
    private static final String[] COLOURS = {"#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#66a61e", "#e6ab02"};

    private EvaluationChart() {}

    static String svg(List<String> names, double[] rmseMiB, double[] grantAccuracy) {
        int width = 2 * PANEL_WIDTH;
        int height = TOP + PLOT_HEIGHT + BOTTOM;
        StringBuilder out = new StringBuilder(4096);
        out.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        double maxRmse = 0;
        for (double r : rmseMiB) {
            maxRmse = Math.max(maxRmse, r);
        }
        panel(out, 0, "RMSE (MiB, lower is better)", names, rmseMiB, maxRmse > 0 ? maxRmse : 1, "%.2f", 1);
        panel(out, PANEL_WIDTH, "grant accuracy (%, higher is better)", names, grantAccuracy, 1, "%.1f", 100);
        out.append("</svg>\n");
        return out.toString();
    }

    private static void panel(StringBuilder out, int left, String title, List<String> names, double[] values,
            double max, String format, double shownFactor) {
        int plotLeft = left + 40;
        int plotWidth = PANEL_WIDTH - 60;
        int baseline = TOP + PLOT_HEIGHT;
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", plotLeft,
                TOP - 16, title));
        out.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", plotLeft, baseline,
                plotLeft + plotWidth, baseline));
        double barWidth = (plotWidth - BAR_GAP * (values.length + 1)) / (double) values.length;
        for (int i = 0; i < values.length; i++) {
            double x = plotLeft + BAR_GAP + i * (barWidth + BAR_GAP);
            double h = Double.isFinite(values[i]) ? PLOT_HEIGHT * Math.max(0, values[i]) / max : 0;
            out.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
                    x, baseline - h, barWidth, h, COLOURS[i % COLOURS.length], escape(names.get(i))));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                    x + barWidth / 2, baseline - h - 4, String.format(Locale.ROOT, format, values[i] * shownFactor)));
            out.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>%n",
                    x + barWidth / 2, baseline + 16, x + barWidth / 2, baseline + 16, escape(names.get(i))));
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
