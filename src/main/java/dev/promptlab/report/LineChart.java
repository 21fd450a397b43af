package dev.promptlab.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Line charts with optional bands (e.g. median and 25–75 % range over seeds), rendered to PNG
 * with XChart, headless.
 */
public final class LineChart {
    /** A qualitative palette that stays readable with many series. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf), new Color(0x000000), new Color(0x393b79), new Color(0x637939),
            new Color(0xad494a), new Color(0x3182bd));

    private LineChart() {}

    /**
     * One line, with a band drawn as thin lines when {@code lower}/{@code upper} are given.
     *
     * @param dashed draw the line dashed (e.g. reference predictors)
     * @param markers mark each point (for lines of few points, where the points are the data)
     */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper, Color color,
            boolean dashed, boolean markers) {

        /** A line without point markers. */
        public Series(String name, double[] x, double[] y, double[] lower, double[] upper, Color color, boolean dashed) {
            this(name, x, y, lower, upper, color, dashed, false);
        }

        /** A line through few points, each marked: no band. */
        public static Series points(String name, double[] x, double[] y, Color color, boolean dashed) {
            return new Series(name, x, y, null, null, color, dashed, true);
        }
    }

    /** Renders the chart; y is shown in [yMin, yMax] (NaN: automatic); x labels are whole numbers. */
    public static byte[] png(String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax,
            int width, int height) {
        return png(title, xLabel, yLabel, series, yMin, yMax, width, height, "#");
    }

    /**
     * Renders the chart; y is shown in [yMin, yMax] (NaN: automatic), x labels are written with
     * {@code xPattern} (a {@link java.text.DecimalFormat} pattern such as {@code "#.##"}).
     */
    public static byte[] png(String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax,
            int width, int height, String xPattern) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(series.stream().anyMatch(Series::markers) ? 7 : 0);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        chart.getStyler().setXAxisTickMarkSpacingHint(90); // fewer x labels: they overlapped at 200 points
        chart.getStyler().setXAxisDecimalPattern(xPattern);
        if (!Double.isNaN(yMin)) {
            chart.getStyler().setYAxisMin(yMin);
        }
        if (!Double.isNaN(yMax)) {
            chart.getStyler().setYAxisMax(yMax);
        }
        BasicStroke thin = new BasicStroke(0.7f);
        for (Series s : series) {
            XYSeries line = chart.addSeries(s.name(), s.x(), clip(s.y(), yMin, yMax));
            line.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.markers()) {
                line.setMarkerColor(s.color());
            }
            line.setLineColor(s.color());
            line.setLineStyle(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
            if (s.lower() != null && s.upper() != null) {
                Color faint = new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 110);
                for (double[] edge : new double[][] {s.lower(), s.upper()}) {
                    XYSeries band = chart.addSeries(s.name() + (edge == s.lower() ? " q25" : " q75"), s.x(),
                            clip(edge, yMin, yMax));
                    band.setMarker(SeriesMarkers.NONE);
                    band.setLineColor(faint);
                    band.setLineStyle(thin);
                    band.setShowInLegend(false);
                }
            }
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values beyond the shown range are pinned to its edge, so a line leaving the plot stays visible there. */
    private static double[] clip(double[] v, double lo, double hi) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isNaN(hi) && out[i] > hi) {
                out[i] = hi;
            }
            if (!Double.isNaN(lo) && out[i] < lo) {
                out[i] = lo;
            }
        }
        return out;
    }
}
