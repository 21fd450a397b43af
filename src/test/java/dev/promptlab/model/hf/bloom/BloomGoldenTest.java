package dev.promptlab.model.hf.bloom;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.HfGolden;
import dev.promptlab.model.hf.ReferenceMatchTest;

import java.util.Map;
import java.util.function.Function;

/**
 * BLOOM against tools/bloom_reference.py: the committed bloom-tiny fixture (6 heads, so ALiBi's
 * non-power-of-two slopes) and, live, 4 heads, 3 layers and the post-LayerNorm residual (config
 * read from the older n_embed / num_hidden_layers keys). {@link #main} regenerates the committed
 * fixture (see {@link HfGolden}).
 */
class BloomGoldenTest extends ReferenceMatchTest {
    private static final long FIXTURE_SEED = 20240612L;

    public static void main(String[] args) throws Exception {
        HfGolden.regenerate("bloom-tiny", BloomTiny.config(), Bloom::expectedShapes, FIXTURE_SEED);
    }

    @Override
    protected String fixture() {
        return "bloom-tiny";
    }

    @Override
    protected ObjectNode config() {
        return BloomTiny.config();
    }

    @Override
    protected ObjectNode variant() {
        return BloomTiny.variant();
    }

    @Override
    protected Function<ModelConfig, Map<String, Shape>> shapes() {
        return Bloom::expectedShapes;
    }
}
