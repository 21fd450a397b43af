package dev.promptlab.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.promptlab.model.LanguageModel;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tensor.Scopes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * P-tuning (Liu et al. 2021) as PEFT's PromptEncoder: an embedding (P, C) passed through a small
 * encoder gives the P virtual token embeddings, prepended to the input like a soft prompt. The
 * encoder is an MLP ({@code mlp_head.0} Linear(C, H), ReLU, {@code mlp_head.2} Linear(H, H), ReLU,
 * {@code mlp_head.4} Linear(H, C)) or a bidirectional 2-layer LSTM ({@code lstm_head.*}, torch's
 * nn.LSTM names) followed by {@code mlp_head.0} Linear(2H, 2H), ReLU, {@code mlp_head.2}
 * Linear(2H, C). Parameter names and layouts are torch's, so the weights load into PEFT's module.
 *
 * <p>An adapter read from PEFT's file alone has no encoder (PEFT's inference mode): its
 * {@code embedding.weight} is the encoder's output and is used as is.
 */
public final class PTuning implements PromptEmbeddings {
    public static final String METHOD = "p-tuning";
    public static final String EMBEDDING = "embedding.weight";
    private static final int LSTM_LAYERS = 2;

    private final PTuningConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final boolean hasEncoder;

    private PTuning(PTuningConfig config, NDManager manager, Map<String, NDArray> params, boolean hasEncoder) {
        this.config = config;
        this.manager = manager;
        this.params = Collections.unmodifiableMap(params);
        this.hasEncoder = hasEncoder;
        params.forEach((name, p) -> {
            p.setName(name);
            p.setRequiresGradient(true);
        });
    }

    /** H: the config's, or C. */
    public static int encoderHiddenSize(PTuningConfig config, LanguageModel model) {
        return config.encoderHiddenSize() > 0 ? config.encoderHiddenSize() : model.hiddenSize();
    }

    /** The trainable tensors' names and shapes; only the embedding without the encoder. */
    public static Map<String, Shape> shapes(PTuningConfig config, LanguageModel model, boolean withEncoder) {
        long c = model.hiddenSize();
        long h = encoderHiddenSize(config, model);
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(EMBEDDING, new Shape(config.length(), c));
        if (!withEncoder) {
            return s;
        }
        if (config.encoder() == PTuningConfig.Encoder.MLP) {
            linearShapes(s, "mlp_head.0", c, h);
            linearShapes(s, "mlp_head.2", h, h);
            linearShapes(s, "mlp_head.4", h, c);
        } else {
            for (int k = 0; k < LSTM_LAYERS; k++) {
                long in = k == 0 ? c : 2 * h;
                for (String dir : new String[] {"", "_reverse"}) {
                    s.put("lstm_head.weight_ih_l" + k + dir, new Shape(4 * h, in));
                    s.put("lstm_head.weight_hh_l" + k + dir, new Shape(4 * h, h));
                    s.put("lstm_head.bias_ih_l" + k + dir, new Shape(4 * h));
                    s.put("lstm_head.bias_hh_l" + k + dir, new Shape(4 * h));
                }
            }
            linearShapes(s, "mlp_head.0", 2 * h, 2 * h);
            linearShapes(s, "mlp_head.2", 2 * h, c);
        }
        return s;
    }

    private static void linearShapes(Map<String, Shape> s, String name, long in, long out) {
        s.put(name + ".weight", new Shape(out, in));
        s.put(name + ".bias", new Shape(out));
    }

    /** A fresh encoder with torch's default initialisations (embedding normal(0, 1), layers uniform). */
    public static PTuning create(PTuningConfig config, LanguageModel model, Rng rng) {
        NDManager manager = model.manager().newSubManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        double linearBound = 0; // nn.Linear: weight and its bias uniform(±1/sqrt(in))
        for (Map.Entry<String, Shape> e : shapes(config, model, true).entrySet()) {
            String name = e.getKey();
            long[] s = e.getValue().getShape();
            if (name.equals(EMBEDDING)) {
                p.put(name, EncoderLayers.embedding(manager, rng, (int) s[0], (int) s[1])); // (P, C)
            } else if (name.startsWith("lstm_head.")) {
                // nn.LSTM: every tensor uniform(±1/sqrt(H))
                p.put(name, EncoderLayers.uniform(manager, rng, 1 / Math.sqrt(encoderHiddenSize(config, model)), s));
            } else {
                if (name.endsWith(".weight")) {
                    linearBound = 1 / Math.sqrt(s[1]); // (out, in); the bias follows its weight in shapes()
                }
                p.put(name, EncoderLayers.uniform(manager, rng, linearBound, s));
            }
        }
        return new PTuning(config, manager, p, true);
    }

    /**
     * An adapter over given tensors, copied: all of {@link #shapes} with the encoder, or only
     * {@code embedding.weight} (the encoder's output, PEFT's inference mode) without.
     */
    public static PTuning of(PTuningConfig config, LanguageModel model, Map<String, NDArray> values, String file) {
        boolean withEncoder = values.size() > 1;
        EncoderLayers.requireShapes(values, shapes(config, model, withEncoder), file);
        NDManager manager = model.manager().newSubManager();
        return new PTuning(config, manager, EncoderLayers.copies(values, manager), withEncoder);
    }

    public PTuningConfig config() {
        return config;
    }

    /** Whether the encoder is here (else the embedding is the prompt itself). */
    public boolean hasEncoder() {
        return hasEncoder;
    }

    /** The virtual token embeddings (P, C): the encoder's output, computed on {@code scope}. */
    @Override
    public NDArray virtualEmbeddings(NDManager scope, LanguageModel model) {
        NDArray e = VirtualTokens.view(params.get(EMBEDDING), scope); // (P, C)
        if (!hasEncoder) {
            return e;
        }
        if (config.encoder() == PTuningConfig.Encoder.MLP) {
            NDArray h = EncoderLayers.apply(params, "mlp_head.0", e).getNDArrayInternal().relu(); // (P, H)
            h = EncoderLayers.apply(params, "mlp_head.2", h).getNDArrayInternal().relu(); // (P, H)
            return EncoderLayers.apply(params, "mlp_head.4", h); // (P, C)
        }
        int h = encoderHiddenSize(config, model);
        NDList weights = new NDList();
        for (int k = 0; k < LSTM_LAYERS; k++) {
            for (String dir : new String[] {"", "_reverse"}) { // torch's flat order: layer, direction, ih, hh
                for (String w : new String[] {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"}) {
                    weights.add(VirtualTokens.view(params.get("lstm_head." + w + k + dir), scope));
                }
            }
        }
        NDArray zeros = scope.zeros(new Shape(2L * LSTM_LAYERS, 1, h)); // (layers·directions, 1, H)
        NDArray x = e.expandDims(0); // (1, P, C)
        NDList out = x.getNDArrayInternal().lstm(x, new NDList(zeros, zeros), weights, true, LSTM_LAYERS, 0.0, false,
                true, true);
        out.forEach(a -> Scopes.into(scope, a));
        NDArray y = out.get(0).squeeze(0); // (P, 2H)
        y = EncoderLayers.apply(params, "mlp_head.0", y).getNDArrayInternal().relu(); // (P, 2H)
        return EncoderLayers.apply(params, "mlp_head.2", y); // (P, C)
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public int virtualTokens() {
        return config.length();
    }

    @Override
    public void close() {
        manager.close();
    }
}
