package dev.wbpf.cli;

import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf tags HOST/REPO}: the tags of a repository, one a line. */
@Command(name = "tags", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class, description = "List the tags of a repository in a registry.")
final class TagsCommand implements Callable<Integer>, RegistryOptions.User {
    @Parameters(paramLabel = "REPOSITORY", description = "HOST[:PORT]/REPOSITORY")
    String repository;

    private final RegistryOptions registry = new RegistryOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public RegistryOptions registry() {
        return registry;
    }

    @Override
    public Integer call() throws IOException {
        Reference ref = RegistryOptions.reference(spec.commandLine(), repository);
        PrintWriter out = spec.commandLine().getOut();
        for (String tag : registry.client(ref.registry()).listTags(ref, 1000)) {
            out.println(tag);
        }
        out.flush();
        return 0;
    }
}
