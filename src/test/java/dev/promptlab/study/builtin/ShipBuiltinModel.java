package dev.promptlab.study.builtin;

import java.nio.file.Path;

/**
 * Developer tool: puts a model made by {@code promptlab pretrain --builtin NAME --out DIR} into
 * the jar's resources, as F16 weights + card ({@code --weights}) or as its card only
 * ({@code --card-only}, for a model over the shipped budget). Run from the repository root:
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.promptlab.study.builtin.ShipBuiltinModel NAME DIR --weights|--card-only
 * </pre>
 *
 * then delete the previous {@code NAME-*} directory under
 * {@code src/main/resources/dev/promptlab/builtin-models/} and commit.
 */
public final class ShipBuiltinModel {
    private ShipBuiltinModel() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[2].equals("--weights") || args[2].equals("--card-only"))) {
            System.err.println("usage: ShipBuiltinModel NAME TRAINED_DIR --weights|--card-only");
            System.exit(2);
        }
        Path root = Path.of("src/main/resources");
        Path target = args[2].equals("--weights") ? ShippedModels.writeShippable(args[0], Path.of(args[1]), root)
                : ShippedModels.writeCardOnly(args[0], Path.of(args[1]), root);
        System.out.println("wrote " + target);
    }
}
