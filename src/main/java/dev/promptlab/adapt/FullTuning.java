package dev.promptlab.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.model.LoadedModel;
import dev.promptlab.tensor.AtomicFiles;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Full fine-tuning, the baseline every parameter-efficient method is measured against: every
 * weight of the model trains, and the result is a whole model directory (Hugging Face layout,
 * loadable as {@code --model}) rather than a PEFT adapter.
 */
final class FullTuning implements TuningMethod {
    /** Full tuning has no settings of its own. */
    record Config() implements MethodConfig {
        @Override
        public String method() {
            return WeightSubset.FULL;
        }

        @Override
        public Adapter create(LanguageModel model, Tokenizer tokenizer, Rng rng) {
            return WeightSubset.of(model, WeightSubset.Part.ALL);
        }

        @Override
        public void writeJson(ObjectNode json) {}

        @Override
        public int contextPositions() {
            return 0;
        }
    }

    @Override
    public String method() {
        return WeightSubset.FULL;
    }

    @Override
    public List<MethodOption> options() {
        return List.of();
    }

    @Override
    public MethodConfig parse(MethodOptions given) {
        return new Config();
    }

    @Override
    public MethodConfig fromJson(JsonNode json) {
        return new Config();
    }

    @Override
    public String outputName() {
        return "model";
    }

    @Override
    public void save(Adapter adapter, LoadedModel loaded, Path dir, String baseModel) throws IOException {
        AtomicFiles.writeDirectory(dir, staging -> LoadedModel.save(loaded.model(), loaded.tokenizer(), staging));
    }
}
