package dev.wbpf.kernel.sys;

import java.util.Objects;

/**
 * The fields of BPF_PROG_LOAD. {@code instructions} are the raw 8-byte little-endian instructions
 * as they go to the kernel. {@code funcInfo}/{@code lineInfo} are the kernel's
 * {@code bpf_func_info}/{@code bpf_line_info} records back to back ({@code null} = none).
 * {@code logLevel} 0 means "no log unless the load fails", as in libbpf.
 */
public record ProgLoadRequest(
        int programType,
        byte[] instructions,
        String license,
        String name,
        int expectedAttachType,
        int attachBtfId,
        int attachTargetFd,
        int progBtfFd,
        byte[] funcInfo,
        int funcInfoRecordSize,
        byte[] lineInfo,
        int lineInfoRecordSize,
        int flags,
        int logLevel,
        int kernelVersion) {

    public static final int INSTRUCTION_SIZE = 8;

    public ProgLoadRequest {
        Objects.requireNonNull(instructions, "instructions");
        Objects.requireNonNull(license, "license");
        if (instructions.length == 0 || instructions.length % INSTRUCTION_SIZE != 0) {
            throw new IllegalArgumentException(
                    "instructions must be a non-empty multiple of 8 bytes, got " + instructions.length);
        }
        name = name == null ? "" : name;
    }

    public static ProgLoadRequest of(int programType, byte[] instructions, String license) {
        return new ProgLoadRequest(programType, instructions, license, "", 0, 0, 0, 0, null, 0, null, 0, 0, 0, 0);
    }

    public ProgLoadRequest withName(String newName) {
        return new ProgLoadRequest(programType, instructions, license, newName, expectedAttachType, attachBtfId,
                attachTargetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, flags, logLevel, kernelVersion);
    }

    public ProgLoadRequest withExpectedAttachType(int type) {
        return new ProgLoadRequest(programType, instructions, license, name, type, attachBtfId,
                attachTargetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, flags, logLevel, kernelVersion);
    }

    /** attach_btf_id and attach_prog_fd / attach_btf_obj_fd (0 = vmlinux) for tracing, LSM and ext programs. */
    public ProgLoadRequest withAttachTarget(int btfId, int targetFd) {
        return new ProgLoadRequest(programType, instructions, license, name, expectedAttachType, btfId,
                targetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, flags, logLevel, kernelVersion);
    }

    public ProgLoadRequest withBtf(int btfFd, byte[] newFuncInfo, int funcRecSize, byte[] newLineInfo, int lineRecSize) {
        return new ProgLoadRequest(programType, instructions, license, name, expectedAttachType, attachBtfId,
                attachTargetFd, btfFd, newFuncInfo, funcRecSize, newLineInfo, lineRecSize, flags, logLevel, kernelVersion);
    }

    public ProgLoadRequest withFlags(int newFlags) {
        return new ProgLoadRequest(programType, instructions, license, name, expectedAttachType, attachBtfId,
                attachTargetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, newFlags, logLevel, kernelVersion);
    }

    public ProgLoadRequest withLogLevel(int level) {
        return new ProgLoadRequest(programType, instructions, license, name, expectedAttachType, attachBtfId,
                attachTargetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, flags, level, kernelVersion);
    }

    /** kern_version: checked only for kprobes by kernels before 5.0; libbpf passes the running kernel's. */
    public ProgLoadRequest withKernelVersion(int version) {
        return new ProgLoadRequest(programType, instructions, license, name, expectedAttachType, attachBtfId,
                attachTargetFd, progBtfFd, funcInfo, funcInfoRecordSize, lineInfo, lineInfoRecordSize, flags, logLevel,
                version);
    }

    public int instructionCount() {
        return instructions.length / INSTRUCTION_SIZE;
    }
}
