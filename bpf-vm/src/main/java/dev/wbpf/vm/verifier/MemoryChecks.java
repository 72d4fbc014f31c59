package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.insn.Imm64Kind;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.kernel.VmKernelTypes;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.verifier.VerifierState.Frame;
import java.util.Arrays;

/** Loads, stores and atomics: per-region bounds (context by program type, stack slots and spills, map values, packets), LDDW pseudo forms and legacy packet loads. */
final class MemoryChecks {
    private final Verifier v;

    MemoryChecks(Verifier v) {
        this.v = v;
    }

    Reg memAccess(VerifierState st, int regno, Reg ptr, int insnOff, int size, boolean write, Reg value, boolean signExtend) {
        Reg loaded = signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
        switch (ptr.type) {
            case PTR_TO_CTX -> {
                if (!ptr.isConst(0)) {
                    throw v.error("variable ctx access var_off=" + ptr.tnum + " disallowed");
                }
                if (write && value != null && value.type.isPointer()) {
                    throw v.error("R" + regno + " leaks addr into ctx");
                }
                return contextAccess(ptr.off + insnOff, size, write, signExtend);
            }
            case PTR_TO_STACK -> {
                if (!ptr.isConst()) {
                    throw v.error("variable stack access var_off=" + ptr.tnum + " off=" + (ptr.off + insnOff) + " size=" + size);
                }
                long off = ptr.off + ptr.constValue() + insnOff;
                if (off % size != 0) {
                    throw v.error("misaligned stack access off " + off + " size " + size);
                }
                if (off < -VerifierState.STACK_SIZE || off + size > 0) {
                    throw v.error("invalid " + (write ? "write to" : "read from") + " stack R" + regno + " off=" + off + " size=" + size);
                }
                Frame f = st.frames.get(ptr.frame);
                v.noteStackDepth(f, (int) -off);
                if (write) {
                    stackWrite(f, (int) off, size, value, regno);
                    return null;
                }
                return stackRead(f, (int) off, size, signExtend);
            }
            case PTR_TO_MAP_VALUE -> {
                MapDefinition map = v.maps.get(ptr.map);
                checkBounded(regno, ptr);
                long lo = ptr.off + ptr.smin + insnOff;
                long hi = ptr.off + ptr.umax + insnOff + size;
                if (lo < 0 || hi > map.valueSize()) {
                    long shown = lo < 0 ? lo : hi - size;
                    throw v.error("invalid access to map value, value_size=" + map.valueSize() + " off=" + shown + " size=" + size);
                }
                if (write && (map.flags() & VmProgram.BPF_F_RDONLY_PROG) != 0) {
                    throw v.error("write into map forbidden, value_size=" + map.valueSize() + " off=" + lo + " size=" + size);
                }
                return write ? null : loaded;
            }
            case PTR_TO_MEM -> {
                checkBounded(regno, ptr);
                long lo = ptr.off + ptr.smin + insnOff;
                long hi = ptr.off + ptr.umax + insnOff + size;
                if (lo < 0 || hi > ptr.memSize) {
                    throw v.error("invalid access to memory, mem_size=" + ptr.memSize + " off=" + (lo < 0 ? lo : hi - size) + " size=" + size);
                }
                return write ? null : loaded;
            }
            case PTR_TO_BTF_ID -> {
                return kernelObjectAccess(regno, ptr, insnOff, size, write, signExtend);
            }
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                if (write && v.type != ProgramType.XDP && v.type != ProgramType.SCHED_CLS && v.type != ProgramType.SCHED_ACT) {
                    throw v.error("cannot write into packet");
                }
                if (ptr.smin < 0) {
                    throw v.error("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
                }
                if (Long.compareUnsigned(ptr.umax, Verifier.MAX_PACKET_OFF) >= 0) {
                    throw v.error("R" + regno + " unbounded memory access, make sure to bounds check any such access");
                }
                long off = (long) ptr.off + insnOff;
                if (off < 0 || off + size > ptr.range) {
                    throw v.error("invalid access to packet, off=" + off + " size=" + size + ", R" + regno + "(id=" + ptr.id
                            + ",off=" + ptr.off + ",r=" + ptr.range + ")");
                }
                return write ? null : loaded;
            }
            default -> throw v.error("R" + regno + " invalid mem access '" + ptr.type.logName + "'");
        }
    }

    /**
     * A load through a pointer to a kernel object of the VM's kernel types (the kernel's
     * btf_struct_access, abridged): read-only, at a constant offset, inside one field; a load of a
     * pointer field to a struct yields a pointer to that struct. The VM's object graph is closed
     * (every pointer field points at an object), so such loads cannot fault at run time.
     */
    private Reg kernelObjectAccess(int regno, Reg ptr, int insnOff, int size, boolean write, boolean signExtend) {
        Btf btf = VmKernelTypes.btf();
        BtfType.Composite struct = (BtfType.Composite) btf.type(ptr.btfId);
        String what = "R" + regno + " is ptr_" + struct.name();
        if (!ptr.isConst()) {
            throw v.error(what + " invalid variable offset: off=" + ptr.off + ", var_off=" + ptr.tnum);
        }
        long off = ptr.off + ptr.constValue() + insnOff;
        if (off < 0) {
            throw v.error(what + " invalid negative access: off=" + off);
        }
        if (write) {
            throw v.error(what + ": only read is supported");
        }
        if (off + size > struct.size()) {
            throw v.error("access beyond struct " + struct.name() + " at off " + off + " size " + size);
        }
        for (BtfType.Member m : struct.members()) {
            long fieldOff = m.bitOffset() / 8;
            if (off < fieldOff || off + size > fieldOff + btf.sizeOf(m.typeId())) {
                continue;
            }
            if (btf.type(btf.resolve(m.typeId())) instanceof BtfType.Ptr pointer) {
                if (off != fieldOff || size != 8 || signExtend) {
                    throw v.error("cannot access ptr member " + m.name() + " with moff " + fieldOff + " in struct " + struct.name()
                            + " with off " + off + " size " + size);
                }
                int target = btf.resolve(pointer.typeId());
                if (!(btf.type(target) instanceof BtfType.Composite)) {
                    return Reg.unknown();
                }
                Reg r = Reg.pointer(RegType.PTR_TO_BTF_ID);
                r.btfId = target;
                return r;
            }
            return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
        }
        throw v.error("access of struct " + struct.name() + " at off " + off + " size " + size + " is not inside one of its fields");
    }

    void checkBounded(int regno, Reg ptr) {
        if (ptr.smin < 0) {
            throw v.error("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (Long.compareUnsigned(ptr.umax, Verifier.MAX_OFF) >= 0) {
            throw v.error("R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
    }

    Reg contextAccess(int off, int size, boolean write, boolean signExtend) {
        String where = "invalid bpf_context access off=" + off + " size=" + size;
        if (off < 0 || off + size > v.context.size) {
            throw v.error(where);
        }
        if (v.context.fields == null) {
            if (off % size != 0) {
                throw v.error(where + " (misaligned)");
            }
            if (write && !v.context.flatWritable) {
                throw v.error(where + " (the " + v.context.structName + " context is read-only)");
            }
            return write ? null : (signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size));
        }
        ContextLayout.Field field = v.context.field(off, size);
        if (field == null || field.kind() == ContextLayout.Kind.DENIED) {
            throw v.error(where + (field == null ? "" : " (" + field.name() + " is not available to " + v.type.displayName() + " programs)"));
        }
        if (write) {
            if (!field.writable()) {
                throw v.error(where + " (" + v.context.structName + "." + field.name() + " is read-only)");
            }
            if (field.name().equals("cb") ? off % size != 0 : (off != field.off() || size != field.size())) {
                throw v.error(where + " (partial write of " + field.name() + ")");
            }
            return null;
        }
        if (field.kind() != ContextLayout.Kind.SCALAR) {
            if (off != field.off() || size != 4 || signExtend) {
                throw v.error(where + " (" + field.name() + " must be read with a 4-byte load)");
            }
            Reg r = Reg.pointer(switch (field.kind()) {
                case PACKET -> RegType.PTR_TO_PACKET;
                case PACKET_END -> RegType.PTR_TO_PACKET_END;
                default -> RegType.PTR_TO_PACKET_META;
            });
            return r;
        }
        if (off % size != 0) {
            throw v.error(where + " (misaligned)");
        }
        return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
    }

    void stackWrite(Frame f, int off, int size, Reg value, int regno) {
        int base = VerifierState.STACK_SIZE + off;
        if (size == 8 && value != null) {
            f.stack[base] = VerifierState.SPILL;
            Arrays.fill(f.stack, base, base + 8, VerifierState.SPILL);
            f.spills[base / 8] = value.copy();
            return;
        }
        if (value != null && value.type.isPointer()) {
            throw v.error("invalid size of register spill");
        }
        destroySpills(f, base, size);
        byte t = value != null && value.isConst(0) ? VerifierState.ZERO : VerifierState.MISC;
        if (value != null && value.isConst()) {
            long v = value.constValue();
            if (size < 8 && (v & ((1L << (8 * size)) - 1)) == 0) {
                t = VerifierState.ZERO;
            }
        }
        Arrays.fill(f.stack, base, base + size, t);
    }

    /** Turns the spilled registers of the slots touching [base, base+size) into plain initialised bytes. */
    static void destroySpills(Frame f, int base, int size) {
        for (int slot = base / 8; slot <= (base + size - 1) / 8; slot++) {
            if (f.spills[slot] != null) {
                byte t = f.spills[slot].isConst(0) ? VerifierState.ZERO : VerifierState.MISC;
                Arrays.fill(f.stack, slot * 8, slot * 8 + 8, t);
                f.spills[slot] = null;
            }
        }
    }

    Reg stackRead(Frame f, int off, int size, boolean signExtend) {
        int base = VerifierState.STACK_SIZE + off;
        int slot = base / 8;
        if (f.stack[base] == VerifierState.SPILL && f.spills[slot] != null) {
            Reg spilled = f.spills[slot];
            if (size == 8 && base % 8 == 0) {
                return spilled.copy();
            }
            if (spilled.type.isPointer()) {
                throw v.error("invalid size of register fill");
            }
            if (base % 8 == 0 && !signExtend) {
                return spilled.lo(size * 8); // little endian: the low bytes come first
            }
            return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
        }
        boolean zero = true;
        for (int b = base; b < base + size; b++) {
            byte t = f.stack[b];
            if (t == VerifierState.INVALID) {
                throw v.error("invalid read from stack off " + off + "+" + (b - base) + " size " + size);
            }
            if (t == VerifierState.SPILL) {
                Reg spilled = f.spills[b / 8];
                if (spilled.type.isPointer()) {
                    throw v.error("invalid size of register fill");
                }
                zero &= spilled.isConst(0);
            } else {
                zero &= t == VerifierState.ZERO;
            }
        }
        if (zero) {
            return Reg.constant(0);
        }
        return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
    }

    void atomic(VerifierState st, Instruction insn, Reg ptr, Reg value) {
        int size = sizeInBytes(insn.opcode());
        int imm = insn.imm();
        int dst = insn.dst();
        if (value.type.isPointer()) {
            throw v.error("R" + insn.src() + " leaks addr into mem");
        }
        if (imm == CMPXCHG) {
            v.readReg(st.regs(), 0);
            if (st.regs()[0].type.isPointer()) {
                throw v.error("R0 leaks addr into mem");
            }
        }
        switch (ptr.type) {
            case PTR_TO_CTX, PTR_TO_PACKET, PTR_TO_PACKET_META ->
                    throw v.error("BPF_ATOMIC stores into R" + dst + " " + ptr.type.logName + " is not allowed");
            default -> { }
        }
        // Atomic accesses must be naturally aligned whatever the architecture (the kernel checks them
        // with strict alignment): the fixed offset and every possible variable offset.
        Tnum at = ptr.tnum.add(Tnum.constant((long) ptr.off + insn.offset()));
        if (((at.value() | at.mask()) & (size - 1)) != 0) {
            throw v.error("misaligned " + (ptr.type == RegType.PTR_TO_STACK ? "stack " : "") + "access off ("
                    + Long.toHexString(ptr.tnum.value()) + "; 0x" + Long.toHexString(ptr.tnum.mask()) + ")+" + ptr.off + "+"
                    + insn.offset() + " size " + size);
        }
        if (ptr.type == RegType.PTR_TO_STACK) {
            memAccess(st, dst, ptr, insn.offset(), size, false, null, false); // must be initialised
            Frame f = st.frames.get(ptr.frame);
            int base = (int) (VerifierState.STACK_SIZE + ptr.off + ptr.constValue() + insn.offset());
            if (f.spills[base / 8] != null && f.spills[base / 8].type.isPointer()) {
                throw v.error("BPF_ATOMIC on a spilled pointer is not allowed");
            }
            destroySpills(f, base, size);
            Arrays.fill(f.stack, base, base + size, VerifierState.MISC);
        } else {
            memAccess(st, dst, ptr, insn.offset(), size, false, null, false);
            memAccess(st, dst, ptr, insn.offset(), size, true, Reg.unknown(), false);
        }
        Reg old = Reg.unsignedOfSize(size);
        if (imm == CMPXCHG) {
            st.regs()[0] = old;
        } else if ((imm & FETCH) != 0) {
            v.checkDstWritable(insn.src());
            st.regs()[insn.src()] = old;
        }
    }

    void ldImm64(VerifierState st, Instruction insn) {
        v.checkDstWritable(insn.dst());
        Instruction next = v.code[v.pc + 1];
        Imm64Kind kind = Imm64Kind.ofSrc(insn.src());
        Reg r;
        switch (kind) {
            case IMM64 -> r = Reg.constant((insn.imm() & Reg.M32) | ((long) next.imm() << 32));
            case MAP_FD, MAP_IDX -> {
                checkMapIndex(insn.imm());
                r = Reg.pointer(RegType.CONST_PTR_TO_MAP);
                r.map = insn.imm();
            }
            case MAP_VALUE, MAP_IDX_VALUE -> {
                checkMapIndex(insn.imm());
                MapDefinition map = v.maps.get(insn.imm());
                if (map.type() != MapType.ARRAY || map.keySize() != 4) {
                    throw v.error("map `" + map.name() + "` (" + map.type().displayName() + ") does not support direct value access");
                }
                if (next.imm() < 0 || next.imm() >= map.valueSize()) {
                    throw v.error("invalid access to map value pointer, value_size=" + map.valueSize() + " off=" + next.imm());
                }
                r = Reg.pointer(RegType.PTR_TO_MAP_VALUE);
                r.map = insn.imm();
                r.off = next.imm();
            }
            case FUNC -> {
                r = Reg.pointer(RegType.PTR_TO_FUNC);
                r.frame = v.pc + 1 + insn.imm();
            }
            default -> throw v.error("kernel symbols (ldimm64 src=" + insn.src() + ") are not supported by the VM");
        }
        st.regs()[insn.dst()] = r;
    }

    void checkMapIndex(int index) {
        if (index < 0 || index >= v.maps.size()) {
            throw v.error("fd " + index + " is not pointing to valid bpf_map");
        }
    }

    void legacyPacketLoad(VerifierState st, Instruction insn) {
        if (v.type != ProgramType.SOCKET_FILTER && v.type != ProgramType.SCHED_CLS && v.type != ProgramType.SCHED_ACT) {
            throw v.error("BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        Reg[] regs = st.regs();
        Reg r6 = regs[6];
        if (r6.type != RegType.PTR_TO_CTX || r6.off != 0 || !r6.isConst(0)) {
            throw v.error("at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if (!st.refs.isEmpty()) {
            throw v.error("BPF_LD_[ABS|IND] cannot be mixed with socket references");
        }
        if (mode(insn.opcode()) == IND) {
            Reg s = v.readReg(regs, insn.src());
            if (s.type.isPointer()) {
                throw v.error("R" + insn.src() + " leaks addr into packet offset");
            }
        }
        for (int i = 1; i <= 5; i++) {
            regs[i] = Reg.notInit();
        }
        regs[0] = Reg.unsignedOfSize(sizeInBytes(insn.opcode()));
    }

    // ---- jumps, calls, exit ----
}
