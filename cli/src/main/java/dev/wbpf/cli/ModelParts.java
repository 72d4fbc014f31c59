package dev.wbpf.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Pieces of the command line models built in code rather than read from annotations (see
 * {@link RunCommand#spec()}): picocli's own {@code mixinStandardHelpOptions} reads its options
 * from annotations by reflection, which costs {@code wbpf run} start-up time.
 */
final class ModelParts {
    private ModelParts() {
    }

    /** Adds {@code -h/--help} and {@code -V/--version}, worded as picocli's standard ones. */
    static CommandSpec withStandardHelpOptions(CommandSpec spec) {
        return spec
                .addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build())
                .addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                        .description("Print version information and exit.").build());
    }

    /** An option without a value: its value is {@code true} when given. */
    static OptionSpec.Builder flag(String... names) {
        return OptionSpec.builder(names).arity("0").type(boolean.class);
    }

    /** Whether a {@link #flag} was given. */
    static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }
}
