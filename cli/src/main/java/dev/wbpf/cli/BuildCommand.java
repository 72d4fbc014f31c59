package dev.wbpf.cli;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Metadata;
import dev.wbpf.packaging.PackageConfig;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Packages;
import dev.wbpf.packaging.PackagingException;
import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Zstd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf build MODULE.wasm -t REF}: a package in the local store. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Package a Wasm module into the local store, tagged REF.",
                "Metadata comes from -f FILE (YAML or JSON; every field optional but name), else from wbpf.yaml,"
                        + " wbpf.yml or wbpf.json beside the module, else the name is the module's file name.",
                "Fields: name, version, description, license, source, entry, runsOnVm, minKernel, programs."})
final class BuildCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODULE", description = "The Wasm module (X.wasm).")
    Path module;

    @Option(names = {"-t", "--tag"}, required = true, paramLabel = "REF", description = "The package's reference, e.g. ghcr.io/acme/execsnoop:1.0.")
    String tag;

    @Option(names = {"-f", "--metadata"}, paramLabel = "FILE", description = "Metadata file (wbpf.yaml or wbpf.json).")
    Path metadata;

    @Option(names = "--readme", paramLabel = "FILE", description = "A README (Markdown) to ship.")
    Path readme;

    @Option(names = "--file", paramLabel = "FILE", description = "An extra file to ship (repeatable).")
    List<Path> extra = new ArrayList<>();

    @Option(names = "--bpf-object", paramLabel = "X.bpf.o",
            description = "Read the programs the package needs from this BPF object (default: the object embedded in the module, if any).")
    Path bpfObject;

    @Option(names = "--zstd-level", paramLabel = "N", description = "zstd level for the module and extra files (1..22, default ${DEFAULT-VALUE}).")
    int zstdLevel = Zstd.DEFAULT_LEVEL;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Reference ref = Reference.parse(tag);
        byte[] wasm = read(module);
        PackageConfig config = config();
        if (config.programs().isEmpty()) {
            if (bpfObject != null) {
                config = config.withPrograms(ModulePrograms.of(BpfObjectReader.read(bpfObject)));
            } else {
                var embedded = ModulePrograms.embedded(wasm, module.toString());
                if (embedded.isPresent()) {
                    config = config.withPrograms(ModulePrograms.of(embedded.get()));
                }
            }
        }
        List<Packages.NamedContent> files = new ArrayList<>();
        for (Path f : extra) {
            files.add(new Packages.NamedContent(f.getFileName().toString(), read(f)));
        }
        var request = new Packages.BuildRequest(wasm, module.getFileName().toString(), config,
                readme == null ? null : read(readme), files, zstdLevel, null);
        PackageStore store = PackageStoreOption.open();
        Descriptor d = Packages.build(store, ref, request);
        var out = spec.commandLine().getOut();
        out.println("built " + d.annotation(dev.wbpf.packaging.MediaTypes.ANNOTATION_REF_NAME) + " " + d.digest());
        out.flush();
        return 0;
    }

    private PackageConfig config() throws IOException {
        if (metadata != null) {
            read(metadata);
            return Metadata.read(metadata);
        }
        Path dir = module.toAbsolutePath().getParent();
        for (String name : List.of("wbpf.yaml", "wbpf.yml", "wbpf.json")) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Metadata.read(candidate);
            }
        }
        String base = module.getFileName().toString().replaceFirst("\\.wasm$", "");
        if (base.isBlank()) {
            throw new PackagingException("cannot name the package after " + module + ": give -f wbpf.yaml with a name");
        }
        return PackageConfig.named(base);
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not a file");
        }
        return Files.readAllBytes(file);
    }
}
