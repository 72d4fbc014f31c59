package dev.wbpf.cli;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.packaging.PackageConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The BPF programs a package needs, for its config: read from a BPF object, or from the BPF ELF
 * object a wbpf guest module embeds in its data (found by its ELF header with machine EM_BPF).
 */
final class ModulePrograms {
    private static final int EM_BPF = 247;

    private ModulePrograms() {
    }

    static List<PackageConfig.Program> of(BpfObjectSpec spec) {
        List<PackageConfig.Program> programs = new ArrayList<>();
        for (ProgramSpec p : spec.programs()) {
            var d = p.definition();
            programs.add(new PackageConfig.Program(p.name(), p.section(), d.type().displayName(),
                    d.kind().displayName(), d.target()));
        }
        return programs;
    }

    /** The first BPF object embedded in {@code wasm} that parses, if any. */
    static Optional<BpfObjectSpec> embedded(byte[] wasm, String source) {
        for (int i = 0; i + 20 <= wasm.length; i++) {
            if (wasm[i] == 0x7f && wasm[i + 1] == 'E' && wasm[i + 2] == 'L' && wasm[i + 3] == 'F'
                    && (wasm[i + 18] & 0xff | (wasm[i + 19] & 0xff) << 8) == EM_BPF) {
                try {
                    return Optional.of(BpfObjectReader.read(source, Arrays.copyOfRange(wasm, i, wasm.length)));
                } catch (RuntimeException notAnObject) {
                    // a stray match: keep looking
                }
            }
        }
        return Optional.empty();
    }
}
