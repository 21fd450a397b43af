package dev.promptlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptlab.study.BayesStudyConfig;
import dev.promptlab.study.RunLock;
import dev.promptlab.study.builtin.BuiltinModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bad-input matrix: every kind of bad input a user can give (data files, templates, labels,
 * option values, model directories, adapters, run directories, corpora), each through the
 * command line. Each must end with exit code 2 and ONE line on stderr, {@code error: ...}, that
 * contains the given fragments (the file, line, field or value, and what is allowed), no stack
 * trace, and nothing created or changed on disk (the whole temporary tree is compared before and
 * after, file contents and times included).
 *
 * <p>{@code docs/errors.md} is this matrix's table (case, command, message). Regenerate it with
 * {@code mvn -o test -Dtest=BadInputMatrixTest -Dpromptlab.writeErrorsDoc=true}; when every case
 * ran, the suite fails if the committed file is stale.
 */
class BadInputMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DOC = Path.of("docs", "errors.md");
    private static final String GOOD = "{\"input\": \"i saw the cat today\", \"output\": \"yes\"}\n"
            + "{\"input\": \"i like the bread\", \"output\": \"no\"}\n";

    @TempDir
    static Path root;
    static Path fixtures;
    static Path model;
    static Path narrow;
    static Path run;
    static Path ok;
    static Path bayesRun;
    /** Each case's message as the table shows it, by case name (filled as cases pass). */
    private static final Map<Integer, String[]> TABLE = new TreeMap<>();

    /** Sets up a case in its own directory and returns the command line. */
    @FunctionalInterface
    interface Setup {
        List<String> args(Path work) throws IOException;
    }

    /**
     * One bad input.
     *
     * @param group what kind of input (the table's sections)
     * @param name the case
     * @param setup writes the case's files and gives the command line
     * @param expected fragments the message must contain; {@code WORK/} and {@code FIX/} stand for the
     *     case's and the shared fixtures' directories
     */
    record Case(String group, String name, Setup setup, String... expected) {
        @Override
        public String toString() {
            return group + ": " + name;
        }
    }

    @BeforeAll
    static void fixtures() throws IOException {
        fixtures = Files.createDirectories(root.resolve("fixtures"));
        model = SyntheticText.initTinyModel(fixtures, 32);
        narrow = fixtures.resolve("narrow");
        CliRunner.Result r = CliRunner.run("init-model", "--arch", "gpt", "--layers", "1", "--heads", "2", "--hidden", "8",
                "--context", "32", "--corpus", fixtures.resolve("corpus.txt").toString(), "--out", narrow.toString());
        assertEquals(0, r.exitCode(), r.toString());
        ok = Files.writeString(fixtures.resolve("ok.jsonl"), GOOD);
        run = fixtures.resolve("run");
        r = CliRunner.run("tune", "--model", model.toString(), "--train", ok.toString(), "--steps", "2", "--batch-size",
                "2", "--prompt-length", "2", "--quiet", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        // a finished Bayesian study, as small as its settings allow (the command line's presets take minutes)
        bayesRun = fixtures.resolve("bayes");
        BayesCommand.run(new BayesStudyConfig("custom", List.of("lstm"), false, true, 8, 2, 16, 3, 4, 20, 1e-3, 2, 4, 10,
                0.05, 0.003, 1.0, 1, 2, 2, 4, 6, 200, 1), 1, bayesRun, false);
    }

    // ------------------------------------------------------------------ the cases

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // JSONL data
        c.add(jsonl("malformed line", GOOD + "{\"input\": \"x\", \"output\": }\n", "WORK/data.jsonl:3: malformed JSON"));
        c.add(jsonl("missing field", GOOD + "{\"input\": \"the dog\"}\n", "WORK/data.jsonl:3: missing field \"output\"",
                "\"input\" and \"output\""));
        c.add(jsonl("null field", "{\"input\": null, \"output\": \"yes\"}\n", "WORK/data.jsonl:1: missing field \"input\""));
        c.add(jsonl("non-string field", GOOD + "{\"input\": 5, \"output\": \"yes\"}\n",
                "WORK/data.jsonl:3: field \"input\" must be a string, got number 5"));
        c.add(jsonl("array instead of object", "[\"i saw the cat\", \"yes\"]\n",
                "WORK/data.jsonl:1: expected a JSON object with \"input\" and \"output\", got array"));
        c.add(jsonl("two objects on one line", GOOD.replace("}\n{", "} {"),
                "WORK/data.jsonl:1: more than one JSON value on the line"));
        c.add(jsonl("repeated key", "{\"input\": \"a\", \"input\": \"b\", \"output\": \"yes\"}\n",
                "WORK/data.jsonl:1: malformed JSON: Duplicate field 'input'"));
        c.add(jsonl("empty file", "", "WORK/data.jsonl: no examples"));
        c.add(jsonl("only blank lines", "\n  \r\n\t\n", "WORK/data.jsonl: no examples"));
        c.add(new Case("JSONL data", "invalid UTF-8", w -> tune(w, bytes(w.resolve("data.jsonl"), GOOD.getBytes(
                StandardCharsets.UTF_8), "{\"input\": \"caf".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xE9},
                "\", \"output\": \"no\"}\n".getBytes(StandardCharsets.UTF_8))),
                "WORK/data.jsonl:3: not valid UTF-8 (byte 0xE9 at column 15)"));
        c.add(new Case("JSONL data", "no such file", w -> tune(w, w.resolve("absent.jsonl")),
                "WORK/absent.jsonl: no such JSONL file"));
        c.add(new Case("JSONL data", "a directory", w -> tune(w, Files.createDirectories(w.resolve("data.jsonl"))),
                "WORK/data.jsonl: is a directory"));
        c.add(jsonl("example longer than the context", GOOD + "{\"input\": \"the cat runs in the field and the dog runs"
                + " in the field and the cat runs in the field and the dog\", \"output\": \"yes\"}\n", "example 3 needs",
                "the model's context is 32 tokens"));
        // templates
        c.add(template("no {output}", "{input}", "must contain both {input} and {output}"));
        c.add(template("unknown slot", "{input} {label} {output}", "has an unknown slot {label}",
                "the slots are {input} and {output}"));
        c.add(template("{output} not last", "{input} {output} .", "{output} must be the last slot"));
        c.add(template("{output} before {input}", "{output} {input}", "{output} must come after {input}"));
        c.add(template("empty", "", "template must not be empty"));
        // labels and task type
        c.add(option("labels", "duplicate labels", List.of("--labels", "yes,yes"), "duplicate labels in [yes, yes]"));
        c.add(option("labels", "label not in the data", List.of("--labels", "yes,maybe"),
                "example 2 has output \"no\" which is not one of the labels [yes, maybe]"));
        c.add(option("labels", "unknown task type", List.of("--task-type", "regression"), "regression",
                "classification", "generation"));
        c.add(option("labels", "unknown built-in task", List.of(), "unknown built-in task 'nosuch' (known: topic,"));
        // option values
        c.add(option("options", "zero steps", List.of("--steps", "0"), "steps must be >= 1, got 0"));
        c.add(option("options", "negative steps", List.of("--steps", "-5"), "steps must be >= 1, got -5"));
        c.add(option("options", "steps not a number", List.of("--steps", "ten"), "'ten' is not an int"));
        c.add(option("options", "zero batch size", List.of("--batch-size", "0"), "batch size must be in [1, 65536], got 0"));
        c.add(option("options", "zero prompt length", List.of("--prompt-length", "0"),
                "prompt length must be in [1, 4096], got 0"));
        c.add(option("options", "negative prompt length", List.of("--prompt-length", "-3"),
                "prompt length must be in [1, 4096], got -3"));
        c.add(option("options", "zero learning rate", List.of("--lr", "0"), "learning rate must be in (0, 10], got 0.0"));
        c.add(option("options", "NaN learning rate", List.of("--lr", "NaN"), "learning rate must be in (0, 10], got NaN"));
        c.add(option("options", "warmup longer than the run", List.of("--warmup", "9"),
                "warmup steps must be in [0, steps=5], got 9"));
        c.add(option("options", "negative checkpoint interval", List.of("--checkpoint-every", "-1"),
                "checkpoint interval must be >= 0, got -1"));
        c.add(option("options", "repeated seed", List.of("--seeds", "1,1"), "seeds must be distinct, got [1, 1]"));
        c.add(option("options", "seed not a number", List.of("--seeds", "1,x"), "'x' is not a long"));
        c.add(option("options", "--seed and --seeds", List.of("--seed", "1", "--seeds", "2,3"),
                "give --seed N or --seeds A,B,..., not both"));
        c.add(option("options", "unknown method", List.of("--method", "prefix-tuning"),
                "unknown method 'prefix-tuning' (available: soft-prompt, prefix, p-tuning, lora, full)"));
        c.add(option("options", "unknown prompt init", List.of("--init", "words"), "unknown prompt init 'words'"));
        c.add(option("options", "zero LoRA rank", List.of("--method", "lora", "--lora-rank", "0"),
                "LoRA rank must be in [1, 4096], got 0"));
        c.add(option("options", "unknown option", List.of("--stepz", "5"), "Unknown options: '--stepz'"));
        c.add(new Case("options", "unknown projection metric", w -> List.of("inspect", "--model", model.toString(),
                "--metric", "manhattan"), "unknown metric 'manhattan' (allowed: l2, cosine, dot)"));
        c.add(new Case("options", "zero top-k", w -> List.of("inspect", "--model", model.toString(), "--top-k", "0"),
                "--top-k must be >= 1, got 0"));
        c.add(generate("top-p above 1", List.of("--temperature", "1", "--top-p", "2"), "top-p must be in (0, 1], got 2.0"));
        c.add(generate("negative temperature", List.of("--temperature", "-1"),
                "temperature must be in [0, 100] (0 = greedy), got -1.0"));
        c.add(generate("zero beams", List.of("--beam", "0"), "beams must be in [1, 64], got 0"));
        c.add(generate("zero max tokens", List.of("--max-tokens", "0"), "max tokens must be >= 1, got 0"));
        // model directories
        c.add(modelCase("no such directory", (w, m) -> AtomicTree.delete(m), "WORK/model: model directory does not exist"));
        c.add(modelCase("no config.json", (w, m) -> Files.delete(m.resolve("config.json")),
                "WORK/model: no config.json in the model directory"));
        c.add(modelCase("config.json not JSON", (w, m) -> Files.writeString(m.resolve("config.json"), "{\"model_type\": "),
                "WORK/model/config.json: not valid JSON"));
        c.add(modelCase("unknown model_type", (w, m) -> editConfig(m, o -> o.put("model_type", "t5")),
                "WORK/model/config.json", "t5", "gpt2"));
        c.add(modelCase("config field missing", (w, m) -> editConfig(m, o -> o.remove("n_embd")),
                "WORK/model/config.json", "n_embd"));
        c.add(modelCase("config field of the wrong type", (w, m) -> editConfig(m, o -> o.put("n_layer", "two")),
                "WORK/model/config.json", "n_layer"));
        c.add(modelCase("no weights", (w, m) -> Files.delete(m.resolve("model.safetensors")),
                "WORK/model: no model.safetensors"));
        c.add(modelCase("truncated weights", (w, m) -> truncate(m.resolve("model.safetensors"), 0.6),
                "WORK/model/model.safetensors", "truncated"));
        c.add(modelCase("header length past the end of the file", (w, m) -> headerLength(m.resolve("model.safetensors"),
                1L << 40), "WORK/model/model.safetensors: corrupt safetensors header length 1099511627776"));
        c.add(modelCase("header not JSON", (w, m) -> headerBytes(m.resolve("model.safetensors"), "{\"wte.weight\": ["),
                "WORK/model/model.safetensors: safetensors header is not valid JSON"));
        c.add(modelCase("header too short", (w, m) -> Files.write(m.resolve("model.safetensors"), new byte[] {1, 2, 3}),
                "WORK/model/model.safetensors: not a safetensors file (only 3 bytes)"));
        c.add(modelCase("mislabelled tensor", (w, m) -> editHeader(m.resolve("model.safetensors"),
                h -> h.set("wte.weights", h.remove("wte.weight"))), "WORK/model", "wte.weight"));
        c.add(modelCase("unsupported dtype", (w, m) -> editHeader(m.resolve("model.safetensors"),
                h -> ((ObjectNode) h.get("wpe.weight")).put("dtype", "F64")), "WORK/model/model.safetensors",
                "'wpe.weight' has unsupported dtype 'F64' (supported: F32, F16, BF16, I64, I32, I8)"));
        c.add(modelCase("dtype that does not fit the bytes", (w, m) -> editHeader(m.resolve("model.safetensors"),
                h -> ((ObjectNode) h.get("wpe.weight")).put("dtype", "F16")), "WORK/model/model.safetensors",
                "'wpe.weight'", "does not fit its shape"));
        c.add(modelCase("wrong shape", (w, m) -> editHeader(m.resolve("model.safetensors"), h -> {
            var shape = ((ObjectNode) h.get("h.0.attn.c_attn.weight")).putArray("shape");
            shape.add(48);
            shape.add(16);
        }), "WORK/model", "h.0.attn.c_attn.weight", "has shape (48, 16), expected (16, 48)"));
        c.add(modelCase("no tokenizer", (w, m) -> Files.delete(m.resolve("tokenizer.json")),
                "no tokenizer in WORK/model", "tokenizer.json, or vocab.json and merges.txt"));
        c.add(modelCase("tokenizer.json not JSON", (w, m) -> Files.writeString(m.resolve("tokenizer.json"), "{\"model\": "),
                "WORK/model/tokenizer.json"));
        c.add(modelCase("missing shard", (w, m) -> {
            Files.move(m.resolve("model.safetensors"), m.resolve("model-00001-of-00002.safetensors"));
            Files.writeString(m.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"wte.weight\":"
                    + " \"model-00001-of-00002.safetensors\", \"wpe.weight\": \"model-00002-of-00002.safetensors\"}}");
        }, "WORK/model/model-00002-of-00002.safetensors: shard listed in model.safetensors.index.json does not exist"));
        // adapters
        c.add(adapterCase("another model's adapter", (w, a) -> {}, narrow, "WORK/adapter/adapter_model.safetensors",
                "trained for a model with hidden size 16, but the model given has hidden size 8"));
        c.add(adapterCase("wrong peft_type", (w, a) -> editJson(a.resolve("adapter_config.json"),
                o -> o.put("peft_type", "IA3")), model, "WORK/adapter/adapter_config.json", "IA3", "PROMPT_TUNING"));
        c.add(adapterCase("no peft_type", (w, a) -> editJson(a.resolve("adapter_config.json"), o -> o.remove("peft_type")),
                model, "WORK/adapter/adapter_config.json: missing field peft_type"));
        c.add(adapterCase("missing tensor", (w, a) -> editHeader(a.resolve("adapter_model.safetensors"),
                h -> h.set("prompt_embeddings.weight", h.remove("prompt_embeddings"))), model,
                "WORK/adapter/adapter_model.safetensors", "prompt_embeddings"));
        c.add(adapterCase("no adapter_config.json", (w, a) -> Files.delete(a.resolve("adapter_config.json")), model,
                "WORK/adapter: no adapter_config.json"));
        c.add(adapterCase("adapter_config.json not JSON", (w, a) -> Files.writeString(a.resolve("adapter_config.json"),
                "{\"peft_type\": "), model, "WORK/adapter/adapter_config.json: not valid JSON"));
        c.add(adapterCase("no such adapter", (w, a) -> AtomicTree.delete(a), model, "WORK/adapter: no such adapter directory"));
        c.add(new Case("adapters", "a model directory given as adapter", w -> eval(w, model, model),
                "FIX/model: this is a model directory", "pass it as --model"));
        // run directories
        c.add(new Case("run directories", "existing run without --resume", w -> {
            copyTree(run, w.resolve("run"));
            return tuneArgs(w, ok, "--prompt-length", "2", "--batch-size", "2");
        }, "output directory WORK/run already exists and is not empty", "--resume"));
        c.add(new Case("run directories", "--resume of a different run", w -> {
            copyTree(run, w.resolve("run"));
            return tuneArgs(w, ok, "--prompt-length", "5", "--batch-size", "2", "--resume");
        }, "--resume: method_config was", "WORK/run/config.json", "only --steps"));
        c.add(new Case("run directories", "--resume with a higher learning rate", w -> {
            copyTree(run, w.resolve("run"));
            return tuneArgs(w, ok, "--prompt-length", "2", "--batch-size", "2", "--lr", "0.5", "--resume");
        }, "--resume: --lr 0.5 is higher than the run's 0.03", "lower"));
        c.add(new Case("run directories", "--resume of nothing", w -> tuneArgs(w, ok, "--resume"),
                "WORK/run: nothing to resume (no such run directory)"));
        c.add(new Case("run directories", "--resume of a directory that is not a run", w -> {
            Files.createDirectories(w.resolve("run"));
            Files.writeString(w.resolve("run").resolve("notes.txt"), "mine");
            return tuneArgs(w, ok, "--resume");
        }, "WORK/run: nothing to resume (no config.json: not a tune run directory)"));
        c.add(new Case("run directories", "--out is a file", w -> {
            Files.writeString(w.resolve("run"), "a file");
            return tuneArgs(w, ok);
        }, "output directory WORK/run is a file"));
        c.add(new Case("run directories", "--out inside a file (cannot be created)", w -> {
            Files.writeString(w.resolve("file"), "a file");
            return tuneArgs(w, ok, "--out", w.resolve("file").resolve("run").toString());
        }, "cannot create output directory WORK/file/run: WORK/file is a file"));
        c.add(new Case("run directories", "--out held by another run", w -> {
            LOCKS.add(RunLock.acquire(w.resolve("run")));
            return tuneArgs(w, ok);
        }, "WORK/run is in use by another promptlab run", "(process "));
        // the resumable studies and the built-in pretraining
        c.add(new Case("run directories", "bayes: existing run without --resume", w -> {
            copyTree(bayesRun, w.resolve("run"));
            return bayesArgs(w);
        }, "output directory WORK/run already exists and is not empty; choose another --out, or add --resume to continue"
                + " the bayes run in it"));
        c.add(new Case("run directories", "bayes: --resume of a different run", w -> {
            copyTree(bayesRun, w.resolve("run"));
            return bayesArgs(w, "--resume");
        }, "--resume: WORK/run holds a bayes run with other settings: preset was \"custom\" in WORK/run/config.json but"
                + " is \"quick\" now"));
        c.add(new Case("run directories", "bayes: --resume of a tune run", w -> {
            copyTree(run, w.resolve("run"));
            return bayesArgs(w, "--resume");
        }, "WORK/run: nothing to resume here: it holds a tune run, not a bayes run (WORK/run/config.json)"));
        c.add(new Case("run directories", "bayes: --out held by another run", w -> {
            LOCKS.add(RunLock.acquire(w.resolve("run")));
            return bayesArgs(w);
        }, "WORK/run is in use by another promptlab run", "(process "));
        c.add(new Case("run directories", "reproduce: existing directory without --resume", w -> {
            copyTree(run, w.resolve("run"));
            return List.of("reproduce", "--out", w.resolve("run").toString());
        }, "output directory WORK/run already exists and is not empty; choose another --out, or add --resume to continue"
                + " the reproduce run in it"));
        c.add(new Case("run directories", "reproduce: --resume of a different run", w -> {
            copyTree(bayesRun, w.resolve("run"));
            return List.of("reproduce", "--resume", "--out", w.resolve("run").toString());
        }, "WORK/run: nothing to resume here: it holds a bayes run, not a reproduce run"));
        c.add(new Case("run directories", "reproduce: --resume of nothing", w -> List.of("reproduce", "--resume", "--out",
                w.resolve("run").toString()), "WORK/run: nothing to resume (no such run directory)"));
        c.add(new Case("run directories", "pretrain --builtin: existing directory without --resume", w -> {
            copyTree(run, w.resolve("run"));
            return builtinArgs(w);
        }, "output directory WORK/run already exists and is not empty; choose another --out, or add --resume to continue"
                + " the pretrain --builtin run in it"));
        c.add(new Case("run directories", "pretrain --builtin: --resume of a tune run", w -> {
            copyTree(run, w.resolve("run"));
            return builtinArgs(w, "--resume");
        }, "WORK/run: nothing to resume (no recipe.json: not a pretrain --builtin run directory)"));
        c.add(new Case("run directories", "pretrain --builtin: --resume with other --steps", w -> {
            Files.createDirectories(w.resolve("run"));
            Files.writeString(w.resolve("run").resolve("recipe.json"), // a run stopped once it wrote its recipe
                    JSON.writeValueAsString(BuiltinModels.recipe("tiny").withSteps(100)));
            return builtinArgs(w, "--steps", "200", "--resume");
        }, "--resume: the recipe's steps was 100 in WORK/run/recipe.json but is 200 now"));
        c.add(new Case("run directories", "pretrain --builtin: negative --steps", w -> builtinArgs(w, "--steps", "-5"),
                "--steps must be >= 1 (or 0 for the recipe's), got -5"));
        c.add(new Case("run directories", "eval --json inside a file", w -> {
            Files.writeString(w.resolve("file"), "a file");
            return List.of("eval", "--model", model.toString(), "--data", ok.toString(), "--json",
                    w.resolve("file").resolve("out.json").toString());
        }, "cannot write --json WORK/file/out.json: WORK/file is a file, not a directory"));
        // corpora and new models
        c.add(new Case("corpora", "empty corpus", w -> List.of("init-model", "--arch", "gpt", "--layers", "1", "--heads",
                "2", "--hidden", "8", "--context", "16", "--corpus", Files.writeString(w.resolve("c.txt"), "\n\n").toString(),
                "--out", w.resolve("m").toString()), "WORK/c.txt: corpus is empty"));
        c.add(new Case("corpora", "corpus not UTF-8", w -> List.of("pretrain", "--model", model.toString(), "--corpus",
                bytes(w.resolve("c.txt"), "the cat\n".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, '\n'})
                        .toString(), "--steps", "2", "--quiet", "--out", w.resolve("m").toString()),
                "WORK/c.txt:2: not valid UTF-8"));
        c.add(new Case("corpora", "unknown architecture", w -> List.of("init-model", "--arch", "t5", "--layers", "1",
                "--hidden", "8", "--context", "16", "--corpus", fixtures.resolve("corpus.txt").toString(), "--out",
                w.resolve("m").toString()), "t5", "gpt"));
        c.add(new Case("corpora", "init-model into an existing directory", w -> List.of("init-model", "--arch", "gpt",
                "--layers", "1", "--heads", "2", "--hidden", "8", "--context", "16", "--corpus",
                fixtures.resolve("corpus.txt").toString(), "--out", model.toString()),
                "output directory FIX/model already exists and is not empty"));
        return c.stream();
    }

    /** Locks the run-lock case holds while the command runs, released after it. */
    private static final List<RunLock> LOCKS = new ArrayList<>();

    // ------------------------------------------------------------------ the check

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneClearMessageAndNothingWritten(Case c) throws IOException {
        Path work = Files.createDirectories(root.resolve("cases").resolve(slug(c.toString())));
        List<String> args = c.setup().args(work);
        Map<String, String> before = snapshot(root);
        CliRunner.Result r;
        Map<String, String> after;
        try {
            r = CliRunner.run(args.toArray(String[]::new));
            after = snapshot(root);
        } finally {
            for (RunLock lock : LOCKS) { // the lock case's other "process"
                lock.close();
            }
            LOCKS.clear();
        }
        assertEquals(2, r.exitCode(), c + "\n" + r);
        String err = r.err().strip();
        assertFalse(err.contains("\n"), c + ": one message, one line:\n" + err);
        assertTrue(err.startsWith("error: "), c + ": " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), c + ": no stack trace or exception names: " + err);
        for (String fragment : c.expected()) {
            String expected = fragment.replace("WORK", work.toString()).replace("FIX", fixtures.toString());
            assertTrue(err.contains(expected), c + ": the message should contain\n  " + expected + "\nbut is\n  " + err);
        }
        assertEquals(before, after, c + ": nothing may be created or changed on disk");
        TABLE.put(index(c), new String[] {c.group(), c.name(), shown(commandLine(args), work), shown(err, work)});
    }

    private static int index(Case c) {
        List<String> names = cases().map(Case::toString).toList();
        return names.indexOf(c.toString());
    }

    /** Writes or checks docs/errors.md once every case has run. */
    @AfterAll
    static void errorsDoc() throws IOException {
        if (TABLE.size() != cases().count()) {
            return; // a subset ran (a filter, or a failure): the table would be incomplete
        }
        StringBuilder doc = new StringBuilder();
        doc.append("# Error messages\n\n");
        doc.append("What promptlab answers to bad input: every case below exits with code 2 and prints this one line to\n");
        doc.append("stderr, and leaves the disk as it was. Generated by `BadInputMatrixTest` (regenerate with\n");
        doc.append("`mvn -o test -Dtest=BadInputMatrixTest -Dpromptlab.writeErrorsDoc=true`); paths are shown relative\n");
        doc.append("to the directory the command ran in. Other exit codes: 0 success, 1 a failure that is not the\n");
        doc.append("input's (a bug, an I/O error, a diverged training run; see the message).\n");
        String group = null;
        for (String[] row : TABLE.values()) {
            if (!row[0].equals(group)) {
                group = row[0];
                doc.append("\n## ").append(group).append("\n\n| case | command | message |\n| --- | --- | --- |\n");
            }
            doc.append("| ").append(cell(row[1])).append(" | `").append(cell(row[2])).append("` | ").append(cell(row[3]))
                    .append(" |\n");
        }
        if (System.getProperty("promptlab.writeErrorsDoc") != null) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, doc.toString());
            return;
        }
        assertTrue(Files.exists(DOC), DOC + " is missing: generate it with -Dpromptlab.writeErrorsDoc=true");
        assertEquals(Files.readString(DOC), doc.toString(), DOC + " is stale: regenerate it with"
                + " mvn -o test -Dtest=BadInputMatrixTest -Dpromptlab.writeErrorsDoc=true");
    }

    /** The command as a shell would take it: arguments with spaces (or none) quoted. */
    private static String commandLine(List<String> args) {
        return String.join(" ", args.stream().map(a -> a.isEmpty() || a.contains(" ") ? "\"" + a + "\"" : a).toList());
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("`", "'");
    }

    /** A command or message as the table shows it: paths relative to where the command ran. */
    private static String shown(String s, Path work) {
        return s.replace(work + "/", "").replace(work.toString(), ".").replace(fixtures + "/", "")
                .replace(fixtures.toString(), ".").replaceAll("\\(process \\d+\\)", "(process PID)");
    }

    // ------------------------------------------------------------------ case builders

    private static Case jsonl(String name, String content, String... expected) {
        return new Case("JSONL data", name, w -> tune(w, Files.writeString(w.resolve("data.jsonl"), content)), expected);
    }

    private static Case template(String name, String template, String... expected) {
        return new Case("templates", name, w -> tuneArgs(w, ok, "--template", template), expected);
    }

    private static Case option(String group, String name, List<String> extra, String... expected) {
        if (name.equals("unknown built-in task")) {
            return new Case(group, name, w -> List.of("tune", "--model", model.toString(), "--task", "builtin:nosuch",
                    "--steps", "5", "--quiet", "--out", w.resolve("run").toString()), expected);
        }
        return new Case(group, name, w -> tuneArgs(w, ok, extra.toArray(String[]::new)), expected);
    }

    private static Case generate(String name, List<String> extra, String... expected) {
        return new Case("options", "generate: " + name, w -> {
            List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--text", "the cat",
                    "--json", w.resolve("out.json").toString()));
            args.addAll(extra);
            return args;
        }, expected);
    }

    /** Edits a copy of the model in WORK/model. */
    @FunctionalInterface
    interface ModelEdit {
        void edit(Path work, Path model) throws IOException;
    }

    private static Case modelCase(String name, ModelEdit edit, String... expected) {
        return new Case("model directories", name, w -> {
            Path m = w.resolve("model");
            copyTree(model, m);
            edit.edit(w, m);
            return List.of("tune", "--model", m.toString(), "--train", ok.toString(), "--steps", "5", "--quiet", "--out",
                    w.resolve("run").toString());
        }, expected);
    }

    private static Case adapterCase(String name, ModelEdit edit, Path evalModel, String... expected) {
        return new Case("adapters", name, w -> {
            Path a = w.resolve("adapter");
            copyTree(run.resolve("adapter"), a);
            edit.edit(w, a);
            return eval(w, evalModel, a);
        }, expected);
    }

    private static List<String> eval(Path work, Path evalModel, Path adapter) {
        return List.of("eval", "--model", evalModel.toString(), "--adapter", adapter.toString(), "--data", ok.toString(),
                "--json", work.resolve("out.json").toString());
    }

    private static List<String> tune(Path work, Path data) {
        return tuneArgs(work, data);
    }

    private static List<String> bayesArgs(Path work, String... extra) {
        List<String> args = new ArrayList<>(List.of("bayes", "--quick", "--out", work.resolve("run").toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private static List<String> builtinArgs(Path work, String... extra) {
        List<String> args = new ArrayList<>(List.of("pretrain", "--builtin", "tiny", "--quiet", "--out",
                work.resolve("run").toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private static List<String> tuneArgs(Path work, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("tune", "--model", model.toString(), "--train", data.toString(),
                "--quiet"));
        args.addAll(List.of(extra));
        if (!args.contains("--steps")) {
            args.addAll(List.of("--steps", "5"));
        }
        if (!args.contains("--out")) {
            args.addAll(List.of("--out", work.resolve("run").toString()));
        }
        return args;
    }

    // ------------------------------------------------------------------ files

    private static Path bytes(Path file, byte[]... parts) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return Files.write(file, out.toByteArray());
    }

    private static void editJson(Path file, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode o = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(o);
        Files.writeString(file, JSON.writeValueAsString(o));
    }

    private static void editConfig(Path modelDir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        editJson(modelDir.resolve("config.json"), edit);
    }

    private static void truncate(Path file, double keep) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, (int) (b.length * keep)));
    }

    private static void headerLength(Path file, long length) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        Files.write(file, b);
    }

    /** Replaces the header with {@code header} (padded to its old length, data unchanged). */
    private static void headerBytes(Path file, String header) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Arrays.fill(b, 8, 8 + (int) len, (byte) ' ');
        System.arraycopy(h, 0, b, 8, h.length);
        Files.write(file, b);
    }

    /** Rewrites a safetensors header through {@code edit}, the data section unchanged. */
    private static void editHeader(Path file, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int len = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ObjectNode header = (ObjectNode) JSON.readTree(new String(b, 8, len, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + b.length - 8 - len).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(b, 8 + len, b.length - 8 - len);
        Files.write(file, out.array());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Deleting a fixture copy, as a case's setup. */
    private static final class AtomicTree {
        static void delete(Path p) {
            dev.promptlab.tensor.AtomicFiles.deleteTree(p);
        }
    }

    /** Every path under {@code dir} with its kind, size, modification time and content hash. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p)) {
                    out.put(p.toString(), "dir");
                } else {
                    byte[] b = Files.readAllBytes(p);
                    out.put(p.toString(), b.length + " " + Files.getLastModifiedTime(p).toMillis() + " "
                            + Arrays.hashCode(b));
                }
            }
        }
        return out;
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
