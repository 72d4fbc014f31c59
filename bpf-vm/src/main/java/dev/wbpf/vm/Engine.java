package dev.wbpf.vm;

/** Which {@link Machine} runs a program: the interpreter, or the compiler to JVM bytecode. */
public enum Engine {
    INTERPRETER,
    /** The {@link Compiler}; programs (or parts of the ISA) it does not cover run on the interpreter. */
    COMPILER;

    public Machine machineFor(VmProgram program) {
        return switch (this) {
            case INTERPRETER -> new Interpreter(program);
            case COMPILER -> Compiler.machineFor(program);
        };
    }
}
