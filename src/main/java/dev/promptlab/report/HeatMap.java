package dev.promptlab.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A heat map of a matrix (e.g. the transfer matrix: source task × target task) rendered to PNG
 * with XChart, headless, with each cell's value written in it. Colours run from blue (negative)
 * through white (zero) to red (positive), over a range symmetric about zero, so the sign of a
 * difference reads at a glance.
 */
public final class HeatMap {
    private HeatMap() {}

    /** {@code values[row][column]}; rows are drawn along y, columns along x; NaN cells are left out. */
    public static byte[] png(String title, String xLabel, String yLabel, List<String> columns, List<String> rows,
            double[][] values, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setRangeColors(new Color[] {new Color(0x3182bd), Color.WHITE, new Color(0xd62728)});
        // a range symmetric about zero keeps zero white, so the sign of every cell reads from its colour
        double extent = 1e-9;
        for (double[] row : values) {
            for (double v : row) {
                extent = Double.isNaN(v) ? extent : Math.max(extent, Math.abs(v));
            }
        }
        chart.getStyler().setMin(-extent);
        chart.getStyler().setMax(extent);
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                if (!Double.isNaN(values[r][c])) {
                    cells.add(new Number[] {c, r, Math.round(values[r][c] * 1000) / 1000.0});
                }
            }
        }
        chart.addSeries("value", columns, rows, cells);
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
