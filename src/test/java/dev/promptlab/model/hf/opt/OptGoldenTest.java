package dev.promptlab.model.hf.opt;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.ModelConfig;
import dev.promptlab.model.hf.HfGolden;
import dev.promptlab.model.hf.ReferenceMatchTest;

import java.util.Map;
import java.util.function.Function;

/**
 * OPT against tools/opt_reference.py: the committed opt-tiny fixture (pre-LN, E = C) and
 * opt-350m-layout fixture, and both live:
 * OPT-350m's layout (post-LN, no final norm, project_in / project_out). {@link #main}
 * regenerates the committed fixtures (see {@link HfGolden}).
 */
class OptGoldenTest extends ReferenceMatchTest {
    private static final long VARIANT_SEED = 20240613L;
    private static final long FIXTURE_SEED = 20240611L;

    public static void main(String[] args) throws Exception {
        HfGolden.regenerate("opt-tiny", OptTiny.config(), Opt::expectedShapes, FIXTURE_SEED);
        HfGolden.regenerate("opt-350m-layout", OptTiny.projected(), Opt::expectedShapes, VARIANT_SEED);
    }

    @Override
    protected String fixture() {
        return "opt-tiny";
    }

    @Override
    protected ObjectNode config() {
        return OptTiny.config();
    }

    @Override
    protected String variantFixture() {
        return "opt-350m-layout";
    }

    @Override
    protected ObjectNode variant() {
        return OptTiny.projected();
    }

    @Override
    protected Function<ModelConfig, Map<String, Shape>> shapes() {
        return Opt::expectedShapes;
    }
}
