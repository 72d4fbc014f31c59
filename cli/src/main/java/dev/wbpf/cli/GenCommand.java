package dev.wbpf.cli;

import dev.wbpf.core.gen.SkeletonGenerator;
import dev.wbpf.core.gen.TypesGenerator;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf gen skeleton|types X.bpf.o}: C headers for Wasm guests of a BPF object. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = "Generate C headers for WebAssembly guests from a BPF object.",
        subcommands = {GenCommand.Skeleton.class, GenCommand.Types.class, CommandLine.HelpCommand.class})
final class GenCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** What both subcommands share: the object and where the header goes. */
    abstract static class Base implements Callable<Integer> {
        @Parameters(paramLabel = "OBJECT", description = "A BPF ELF object (X.bpf.o) built with clang -g -target bpf.")
        Path object;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the header here instead of to stdout.")
        Path output;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        byte[] readObject() throws IOException {
            if (!Files.exists(object)) {
                throw new NoSuchFileException(object.toString(), null, "no such file");
            }
            if (Files.isDirectory(object)) {
                throw new IOException(object + " is a directory, not a BPF object");
            }
            return Files.readAllBytes(object);
        }

        int emit(String header) throws IOException {
            if (output != null) {
                Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
                Files.writeString(tmp, header, StandardCharsets.UTF_8);
                Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.print(header);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "skeleton", mixinStandardHelpOptions = true,
            description = {"Write a skeleton header (NAME.skel.h) that embeds the object: struct NAME_bpf with maps,",
                    "progs, links and rodata/data/bss, and NAME_bpf__open/__load/__attach/__destroy.",
                    "Include it after putting bpf-guest/include on the include path."})
    static final class Skeleton extends Base {
        @Option(names = {"-n", "--name"}, paramLabel = "NAME",
                description = "Skeleton name (struct NAME_bpf); default: the object's name.")
        String name;

        @Override
        public Integer call() throws IOException {
            byte[] bytes = readObject();
            BpfObjectSpec parsed = BpfObjectReader.read(object.toString(), bytes);
            return emit(SkeletonGenerator.generate(bytes, parsed, name));
        }
    }

    @Command(name = "types", mixinStandardHelpOptions = true,
            description = {"Write the object's BTF types as C for wasm32 with the BPF layout (packed, explicit",
                    "padding, 64-bit pointers and longs) and _Static_asserts on sizes and offsets.",
                    "Default: the types of maps and global variables."})
    static final class Types extends Base {
        @Option(names = {"-t", "--type"}, paramLabel = "NAME",
                description = "Also emit this struct, union, enum or typedef (repeatable), e.g. a ring buffer's event struct.")
        List<String> types = new ArrayList<>();

        @Option(names = "--all", description = "Emit every named struct, union and enum in the object's BTF.")
        boolean all;

        @Override
        public Integer call() throws IOException {
            byte[] bytes = readObject();
            BpfObjectSpec parsed = BpfObjectReader.read(object.toString(), bytes);
            return emit(TypesGenerator.generate(parsed, new TypesGenerator.Options(types, all)));
        }
    }
}
