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
 * non-power-of-two slopes) and bloom-post-ln fixture, and both live: 4 heads, 3 layers and the
 * post-LayerNorm residual (config
 * read from the older n_embed / num_hidden_layers keys). {@link #main} regenerates the committed fixtures
 * fixture (see {@link HfGolden}).
 */
class BloomGoldenTest extends ReferenceMatchTest {
    private static final long VARIANT_SEED = 20240614L;
    private static final long FIXTURE_SEED = 20240612L;

    public static void main(String[] args) throws Exception {
        HfGolden.regenerate("bloom-tiny", BloomTiny.config(), Bloom::expectedShapes, FIXTURE_SEED);
        HfGolden.regenerate("bloom-post-ln", BloomTiny.variant(), Bloom::expectedShapes, VARIANT_SEED);
        // the Java writer uses today's keys; the committed variant keeps BLOOM's older ones, so reading them is checked
        java.nio.file.Path config = java.nio.file.Path.of("src/test/resources/golden/bloom-post-ln/model/config.json");
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config)
                .replace("\"hidden_size\" : 16", "\"n_embed\" : 16").replace("\"n_layer\" : 3", "\"num_hidden_layers\" : 3"));
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
    protected String variantFixture() {
        return "bloom-post-ln";
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
