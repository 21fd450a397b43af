package dev.promptlab.study.builtin;

import java.nio.file.Path;

/**
 * Developer tool: puts a model made by {@code promptlab pretrain --builtin NAME --out DIR} into
 * the jar's resources, as F16 weights + card ({@code --weights}), as row-wise int8 weights + card
 * ({@code --weights-int8}, for a model too large in F16) or as its card only ({@code --card-only}). Run from the repository root:
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.promptlab.study.builtin.ShipBuiltinModel NAME DIR --weights|--weights-int8|--card-only
 * </pre>
 *
 * then delete the previous {@code NAME-*} directory under
 * {@code src/main/resources/dev/promptlab/builtin-models/} and commit.
 */
public final class ShipBuiltinModel {
    private ShipBuiltinModel() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !java.util.List.of("--weights", "--weights-int8", "--card-only").contains(args[2])) {
            System.err.println("usage: ShipBuiltinModel NAME TRAINED_DIR --weights|--weights-int8|--card-only");
            System.exit(2);
        }
        Path root = Path.of("src/main/resources");
        Path trained = Path.of(args[1]);
        Path target = switch (args[2]) {
            case "--weights" -> ShippedModels.writeShippable(args[0], trained, root, ShippedModels.Weights.F16);
            case "--weights-int8" -> ShippedModels.writeShippable(args[0], trained, root, ShippedModels.Weights.INT8);
            default -> ShippedModels.writeCardOnly(args[0], trained, root);
        };
        System.out.println("wrote " + target);
    }
}
