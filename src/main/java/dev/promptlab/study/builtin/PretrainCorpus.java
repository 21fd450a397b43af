package dev.promptlab.study.builtin;

import dev.promptlab.icl.PromptLayout;
import dev.promptlab.icl.Demonstration;
import dev.promptlab.icl.RandomRetriever;
import dev.promptlab.task.Example;
import dev.promptlab.task.builtin.wordnet.BuiltinTask;
import dev.promptlab.task.builtin.wordnet.BuiltinTasks;
import dev.promptlab.task.builtin.wordnet.Item;
import dev.promptlab.task.builtin.wordnet.Split;
import dev.promptlab.task.builtin.wordnet.WordNet;
import dev.promptlab.tensor.Rng;
import dev.promptlab.tokenize.WordTokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The pretraining text of the built-in models, a pure function of WordNet 3.1 and the recipe:
 *
 * <ul>
 *   <li>gloss documents, {@code lemma, lemma (pos): definition; "example"}, for every synset
 *       none of whose lemmas is held out;</li>
 *   <li>MetaICL-style episodes: a task's instruction, 0 to {@code maxShots} demonstrations and a
 *       query with its answer, all from that task's <b>training</b> split; every answer is
 *       followed by the EOS token so the model learns where an answer stops. The tasks are
 *       {@code BuiltinTasks.pretrainingNames(recipe.iclStudyTasks())}: the ICL-study tasks join
 *       only when the recipe's switch is on.</li>
 * </ul>
 *
 * <p>Held out: every lemma whose {@link Split#of split} is dev or test, and every lemma of a
 * dev or test item of any built-in task in the mix. Gloss documents of synsets with only test lemmas form
 * the held-out set on which perplexity is measured.
 *
 * @param documents training documents, shuffled
 * @param heldOut held-out gloss documents (for perplexity), in a fixed order
 * @param vocabularyText every gloss document (the tokenizer is fitted on WordNet's whole vocabulary
 *     so that held-out words are not all {@code <unk>}; fitting sees words, not examples)
 * @param sha256 hash of the training documents, in order
 */
public record PretrainCorpus(List<String> documents, List<String> heldOut, List<String> vocabularyText, String sha256) {

    /** The answer terminator used in the built-in models' episodes and ICL prompts. */
    public static final String ANSWER_END = WordTokenizer.EOS;

    public static PretrainCorpus build(ModelRecipe recipe) {
        WordNet wn = WordNet.get();
        List<String> names = BuiltinTasks.pretrainingNames(recipe.iclStudyTasks());
        Set<String> heldOutLemmas = new HashSet<>();
        for (String name : names) {
            BuiltinTask task = BuiltinTasks.get(name);
            for (Split s : List.of(Split.DEV, Split.TEST)) {
                for (Item item : task.items(s)) {
                    heldOutLemmas.addAll(item.lemmas());
                }
            }
        }
        List<String> docs = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (WordNet.Synset s : wn.synsets()) {
            String doc = glossDocument(s);
            all.add(doc);
            boolean anyHeldOut = false;
            boolean allTest = true;
            for (String lemma : s.lemmas()) {
                Split split = Split.of(lemma);
                anyHeldOut |= split != Split.TRAIN || heldOutLemmas.contains(lemma);
                allTest &= split == Split.TEST;
            }
            if (!anyHeldOut) {
                docs.add(doc);
            } else if (allTest) {
                heldOut.add(doc);
            }
        }
        Rng rng = new Rng(recipe.seed());
        for (int e = 0; e < recipe.episodes(); e++) {
            BuiltinTask task = BuiltinTasks.get(names.get(rng.nextInt(names.size())));
            docs.add(episode(task, rng, recipe.maxShots()));
        }
        int[] order = rng.permutation(docs.size());
        List<String> shuffled = new ArrayList<>(docs.size());
        for (int i : order) {
            shuffled.add(docs.get(i));
        }
        return new PretrainCorpus(List.copyOf(shuffled), List.copyOf(heldOut), List.copyOf(all), sha256(shuffled));
    }

    static String glossDocument(WordNet.Synset s) {
        StringBuilder sb = new StringBuilder(String.join(", ", s.lemmas())).append(" (").append(s.pos()).append("): ")
                .append(s.definition());
        for (String ex : s.examples()) {
            sb.append("; \"").append(ex).append('"');
        }
        return sb.toString();
    }

    private static String episode(BuiltinTask task, Rng rng, int maxShots) {
        List<Example> pool = task.examples(Split.TRAIN);
        int queryIndex = rng.nextInt(pool.size());
        int k = Math.min(rng.nextInt(maxShots + 1), pool.size() - 1);
        List<Example> demos = Demonstration.examples(new RandomRetriever(pool, rng.nextLong()).retrieve(pool.get(queryIndex), queryIndex, k));
        return new PromptLayout(task.spec().template(), task.instruction(), ANSWER_END).episode(demos, pool.get(queryIndex));
    }

    private static String sha256(List<String> docs) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String d : docs) {
                md.update(d.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
