package dev.promptlab.cli;

import dev.promptlab.adapt.Adapters;
import dev.promptlab.adapt.MethodOption;
import dev.promptlab.adapt.MethodOptions;
import dev.promptlab.adapt.TuningMethod;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds every registered tuning method's own options to a command (picocli model transformer), so
 * a new method's flags reach the command line from the method's own files. An option several
 * methods declare is one flag; its help names the methods it applies to.
 */
final class MethodFlags implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (Map.Entry<String, Declared> e : declared().entrySet()) {
            MethodOption o = e.getValue().option();
            String help = o.description() + " [" + String.join(", ", e.getValue().methods()) + "]";
            OptionSpec.Builder b = OptionSpec.builder(o.name()).description(help);
            b = o.isFlag() ? b.arity("0").type(boolean.class) : b.arity("1").paramLabel(o.label()).type(String.class);
            spec.addOption(b.build());
        }
        return spec;
    }

    /** The method options the user gave on {@code spec}'s command line. */
    static MethodOptions given(CommandSpec spec) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, String> given = new LinkedHashMap<>();
        for (Map.Entry<String, Declared> e : declared().entrySet()) {
            if (parsed.hasMatchedOption(e.getKey())) {
                given.put(e.getKey(), e.getValue().option().isFlag() ? "true"
                        : parsed.matchedOptionValue(e.getKey(), (String) null));
            }
        }
        return MethodOptions.of(given);
    }

    private record Declared(MethodOption option, List<String> methods) {}

    private static Map<String, Declared> declared() {
        Map<String, Declared> all = new LinkedHashMap<>();
        for (TuningMethod m : Adapters.tuningMethods()) {
            for (MethodOption o : m.options()) {
                all.computeIfAbsent(o.name(), n -> new Declared(o, new ArrayList<>())).methods().add(m.method());
            }
        }
        return all;
    }
}
