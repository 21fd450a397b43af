package dev.promptlab.task.builtin.wordnet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The three splits of a built-in task, and the rule that assigns a lemma to one of them: the
 * first 8 bytes of SHA-256 of the lower-cased lemma, modulo 100; buckets 0-79 are train, 80-89
 * dev, 90-99 test. The rule depends on the lemma alone, so it is the same for every task and
 * every run: a held-out (dev or test) word is held out everywhere, including pretraining.
 */
public enum Split {
    TRAIN, DEV, TEST;

    public static Split parse(String s) {
        for (Split split : values()) {
            if (split.label().equals(s.toLowerCase(Locale.ROOT))) {
                return split;
            }
        }
        throw new IllegalArgumentException("unknown split '" + s + "' (allowed: train, dev, test)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The split of a lemma (case-insensitive). */
    public static Split of(String lemma) {
        long bucket = Long.remainderUnsigned(hash(lemma.toLowerCase(Locale.ROOT)), 100);
        return bucket < 80 ? TRAIN : bucket < 90 ? DEV : TEST;
    }

    /** A stable 64-bit hash of a string (SHA-256, first 8 bytes, big-endian). */
    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
