package dev.wbpf.cli;

import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code wbpf tags HOST/REPO}: the tags of a repository, one a line. */
@Command(name = "tags", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class, description = "List the tags of a repository in a registry.")
final class TagsCommand extends RegistryCommand {
    @Parameters(paramLabel = "REPOSITORY", description = "HOST[:PORT]/REPOSITORY")
    String repository;

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
