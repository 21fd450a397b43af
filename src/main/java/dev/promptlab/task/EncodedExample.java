package dev.promptlab.task;

/**
 * An example as token ids: the context (BOS if the tokenizer uses one, then the rendered text
 * before the output) and the target (the output's tokens, plus EOS when the model should learn
 * to stop). The loss and the scores count target tokens only.
 */
public record EncodedExample(int[] context, int[] target) {
    public int length() {
        return context.length + target.length;
    }
}
