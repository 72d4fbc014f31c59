package dev.wbpf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a registry: its annotations name {@link RegistryOptions.AddedTo} as
 * model transformer, which adds the registry options ({@code --ca-file}, {@code --plain-http},
 * {@code -q}) to its model; their values are then {@link #registry}'s.
 */
abstract class RegistryCommand implements Callable<Integer> {
    final RegistryOptions registry = new RegistryOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;
}
