package dev.promptlab.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Category charts rendered to PNG with XChart, headless: grouped bars with error bars (e.g. a
 * difference per bin, ± its std over seeds), and points per category (e.g. each seed's score of
 * each method, the spread over seeds at a glance).
 */
public final class BarChart {
    private BarChart() {}

    /**
     * One series: a value per category (NaN: nothing drawn there) and, for bars, its error (NaN or
     * null: none).
     */
    public record Series(String name, double[] values, double[] errors, Color color) {}

    /** Grouped bars, one group per category, one bar per series. */
    public static byte[] bars(String title, String xLabel, String yLabel, List<String> categories, List<Series> series,
            int width, int height) {
        CategoryChart chart = chart(title, xLabel, yLabel, width, height);
        for (Series s : series) {
            List<Double> errors = null;
            if (s.errors() != null) {
                errors = new ArrayList<>();
                for (double e : s.errors()) {
                    errors.add(Double.isNaN(e) ? 0.0 : e);
                }
            }
            CategorySeries bar = errors == null ? chart.addSeries(s.name(), categories, values(s.values(), 0.0))
                    : chart.addSeries(s.name(), categories, values(s.values(), 0.0), errors);
            bar.setFillColor(s.color());
        }
        return png(chart);
    }

    /** Points per category, one colour per series (e.g. per seed); NaN values are left out. */
    public static byte[] points(String title, String xLabel, String yLabel, List<String> categories, List<Series> series,
            int width, int height) {
        CategoryChart chart = chart(title, xLabel, yLabel, width, height);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setOverlapped(true); // every seed's point sits at its category's centre
        for (Series s : series) {
            chart.addSeries(s.name(), categories, values(s.values(), null)).setMarkerColor(s.color());
        }
        return png(chart);
    }

    private static CategoryChart chart(String title, String xLabel, String yLabel, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        chart.getStyler().setXAxisLabelRotation(20);
        return chart;
    }

    /** The values as a list, NaN replaced by {@code missing}. */
    private static List<Double> values(double[] v, Double missing) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            if (Double.isNaN(x)) {
                out.add(missing);
            } else {
                out.add(x);
            }
        }
        return out;
    }

    private static byte[] png(CategoryChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
