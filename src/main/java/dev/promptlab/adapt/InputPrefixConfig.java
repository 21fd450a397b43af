package dev.promptlab.adapt;

/**
 * Configuration of an {@link InputPrefix}.
 *
 * @param length prefix positions P
 * @param space where the prefix vectors live
 * @param after the prefix goes after this many leading positions of the input (1 keeps a
 *     beginning-of-sequence input first, as the coin networks need; 0 prepends)
 */
public record InputPrefixConfig(int length, InputPrefix.Space space, int after) {
    public InputPrefixConfig {
        if (length < 1 || length > 4096) {
            throw new IllegalArgumentException("prefix length must be in [1, 4096], got " + length);
        }
        if (space == null) {
            throw new IllegalArgumentException("prefix space must be set (real, simplex or embedding)");
        }
        if (after < 0) {
            throw new IllegalArgumentException("prefix position must be >= 0, got " + after);
        }
    }
}
