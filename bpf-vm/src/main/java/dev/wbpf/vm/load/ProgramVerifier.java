package dev.wbpf.vm.load;

import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.verifier.Verifier;
import java.util.List;

/**
 * Decides whether a prepared program may run: the VM's verifier plugs in here (the loader calls
 * it once per program, in {@link VmLoader}, after relocation and before the program is published).
 * Whatever it decides, the memory model still checks every access at run time.
 */
@FunctionalInterface
public interface ProgramVerifier {
    /** Accepts everything; the interpreter's run-time checks are the only protection. */
    ProgramVerifier NONE = (program, spec) -> { };

    /** The VM's verifier ({@link Verifier}): what loads and {@code wbpf vm exec} use unless told to skip it. */
    static ProgramVerifier standard() {
        return (program, spec) -> Verifier.verify(program.name(), program.type(), program.instructions(),
                List.of(program.maps()), program.helpers());
    }

    /**
     * @param spec the program's object-file description, or null for a raw instruction stream
     *             ({@code wbpf vm exec})
     * @throws VmException (typically {@code InvalidProgramException}) naming the instruction and
     *                     the reason, in the manner of the kernel's verifier log
     */
    void verify(VmProgram program, ProgramSpec spec);
}
