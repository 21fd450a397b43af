package dev.promptlab.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProjectionTest {
    @Test
    void metricsDisagreeWhereTheyShould() {
        try (NDManager m = NDManager.newBaseManager()) {
            // token 0 short along x, token 1 long along x, token 2 along y
            NDArray e = m.create(new float[] {1, 0, 10, 0, 0, 1}, new Shape(3, 2));
            NDArray v = m.create(new float[] {2, 0.5f}, new Shape(1, 2));
            assertArrayEquals(new int[] {0}, Projection.project(v, e, Projection.Metric.L2));
            assertArrayEquals(new int[] {1}, Projection.project(v, e, Projection.Metric.DOT));
            List<List<Projection.Neighbour>> nn = Projection.nearest(v, e, Projection.Metric.L2, 3);
            assertEquals(Math.sqrt(1 + 0.25), nn.get(0).get(0).score(), 1e-5);
            assertEquals(List.of(0, 2, 1), nn.get(0).stream().map(Projection.Neighbour::id).toList());
            NDArray w = m.create(new float[] {0.1f, 5f}, new Shape(1, 2));
            assertArrayEquals(new int[] {2}, Projection.project(w, e, Projection.Metric.COSINE));
        }
    }
}
