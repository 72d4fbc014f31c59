package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;

/** Checks shared by the attach kinds. */
final class Links {
    private Links() {}

    static void requireKind(KernelProgram program, String what, AttachKind... kinds) {
        AttachKind actual = program.spec().definition().kind();
        for (AttachKind k : kinds) {
            if (k == actual) {
                return;
            }
        }
        throw new KernelException("program `" + program.name() + "` (section " + program.spec().section()
                + ") is a " + actual.displayName() + " program and cannot be attached as " + what);
    }

    /** The section's target, or the explicit one when given. */
    static String target(KernelProgram program, String explicit, String what) {
        String target = explicit != null && !explicit.isEmpty() ? explicit : program.spec().definition().target();
        if (target.isEmpty()) {
            throw new KernelException("program `" + program.name() + "` (section " + program.spec().section()
                    + ") names no " + what + "; give one explicitly");
        }
        return target;
    }
}
