package dev.wbpf.vm.verifier;

import dev.wbpf.core.object.MapType;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.kernel.VmKernelTypes;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.verifier.HelperPrototypes.Arg;
import dev.wbpf.vm.verifier.HelperPrototypes.Proto;
import dev.wbpf.vm.verifier.VerifierState.Frame;
import java.util.Arrays;

/** Helper calls: the helper must exist and be allowed for the program type; arguments are checked against its prototype, its return value typed, references acquired and released, callbacks explored. */
final class HelperCallChecks {
    private final Verifier v;

    HelperCallChecks(Verifier v) {
        this.v = v;
    }

    boolean helperCall(VerifierState st, int id) {
        if (!v.helpers.has(id)) {
            throw v.error("invalid func unknown#" + id);
        }
        String helperName = v.helpers.name(id);
        Proto proto = HelperPrototypes.of(id);
        Reg[] regs = st.regs();
        if (proto == null) {
            clobber(regs);
            regs[0] = Reg.unknown();
            return true;
        }
        if (!proto.allows(v.type)) {
            throw v.error("unknown func " + helperName + "#" + id + " (not available to " + v.type.displayName() + " programs)");
        }
        MapDefinition map = null;
        int mapIndex = -1;
        Arg[] args = proto.args();
        int allocSize = 0;
        Reg release = null;
        Reg callback = null;
        for (int i = 0; i < args.length; i++) {
            int regno = i + 1;
            Arg arg = args[i];
            if (arg == Arg.NONE) {
                continue;
            }
            Reg r = v.readReg(regs, regno);
            switch (arg) {
                case ANYTHING, NONE -> { }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=map_ptr");
                    }
                    mapIndex = r.map;
                    map = v.maps.get(r.map);
                    if (!proto.allowsMap(map.type())) {
                        throw v.error("cannot pass map_type " + map.type().kernelValue() + " into func " + helperName + "#" + id);
                    }
                }
                case MAP_KEY, MAP_VALUE, UNINIT_MAP_VALUE -> {
                    if (map == null) {
                        throw v.error("invalid map_ptr to access map->" + (arg == Arg.MAP_KEY ? "key" : "value"));
                    }
                    int size = arg == Arg.MAP_KEY ? map.keySize() : map.valueSize();
                    helperMemory(st, regno, r, size, arg == Arg.UNINIT_MAP_VALUE, false);
                }
                case MAP_VALUE_OR_NULL -> {
                    if (map == null) {
                        throw v.error("invalid map_ptr to access map->value");
                    }
                    if (!r.isConst(0) || r.type.isPointer()) {
                        helperMemory(st, regno, r, map.valueSize(), false, false);
                    }
                }
                case TASK, TASK_OR_NULL -> {
                    boolean isNull = r.isScalar() && r.isConst(0);
                    if (!(isNull && arg == Arg.TASK_OR_NULL)
                            && (r.type != RegType.PTR_TO_BTF_ID || r.btfId != VmKernelTypes.taskStructId())) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=ptr_task_struct"
                                + (arg == Arg.TASK_OR_NULL ? " or null" : ""));
                    }
                    if (!isNull && (r.off != 0 || !r.isConst(0))) {
                        throw v.error("R" + regno + " must have zero offset when passed to " + helperName + "#" + id);
                    }
                }
                case MEM, MEM_OR_NULL, UNINIT_MEM -> { } // checked with the size argument that follows
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
                    boolean zeroOk = arg == Arg.CONST_SIZE_OR_ZERO;
                    if (r.type != RegType.SCALAR) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=scalar");
                    }
                    if (r.smin < 0) {
                        throw v.error("R" + regno + " min value is negative, either use unsigned or 'var &= const'");
                    }
                    if (Long.compareUnsigned(r.umax, Verifier.MAX_OFF) >= 0) {
                        throw v.error("R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
                    }
                    if (r.umin == 0 && !zeroOk) {
                        throw v.error("R" + regno + " invalid zero-sized read");
                    }
                    Arg memArg = args[i - 1];
                    Reg mem = regs[regno - 1];
                    int size = (int) r.umax;
                    boolean nullable = memArg == Arg.MEM_OR_NULL;
                    if (size == 0 && (zeroOk || nullable) && !mem.type.isPointer()) {
                        if (!mem.isConst(0) && !nullable) {
                            throw v.error("R" + (regno - 1) + " type=" + mem.type.logName + " expected=fp, pkt, pkt_meta, map_value, mem");
                        }
                    } else if (size > 0 || mem.type.isPointer()) {
                        helperMemory(st, regno - 1, mem, size, memArg == Arg.UNINIT_MEM, false);
                    }
                }
                case CTX -> {
                    if (r.type != RegType.PTR_TO_CTX) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=ctx");
                    }
                    if (r.off != 0 || !r.isConst(0)) {
                        throw v.error("dereference of modified ctx ptr R" + regno + " off=" + r.off + " disallowed");
                    }
                }
                case FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=func");
                    }
                    callback = r;
                }
                case STACK_OR_NULL -> {
                    if (!(r.type == RegType.PTR_TO_STACK || r.type == RegType.PTR_TO_MAP_VALUE || r.isConst(0) && r.isScalar())) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=fp");
                    }
                }
                case RINGBUF_RELEASE -> {
                    if (r.type != RegType.PTR_TO_MEM || r.refId == 0) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=ringbuf_mem");
                    }
                    if (r.off != 0 || !r.isConst(0)) {
                        throw v.error("R" + regno + " must have zero offset when passed to release func");
                    }
                    int ref = r.refId;
                    if (st.refs.stream().noneMatch(x -> x.id() == ref)) {
                        throw v.error("R" + regno + " reference has not been acquired before");
                    }
                    release = r;
                }
                case CONST_ALLOC_SIZE -> {
                    if (!r.isScalar() || !r.isConst()) {
                        throw v.error("R" + regno + " is not a known constant");
                    }
                    if (r.constValue() < 0 || r.constValue() >= Verifier.MAX_OFF) {
                        throw v.error("R" + regno + " invalid allocation size " + r.constValue());
                    }
                    allocSize = (int) r.constValue();
                }
                case CONST_STR -> {
                    if (r.type != RegType.PTR_TO_MAP_VALUE || !r.isConst()
                            || (v.maps.get(r.map).flags() & VmProgram.BPF_F_RDONLY_PROG) == 0) {
                        throw v.error("R" + regno + " does not point to a readonly map");
                    }
                    helperMemory(st, regno, r, 1, false, false);
                }
                case SPIN_LOCK -> {
                    if (r.type != RegType.PTR_TO_MAP_VALUE || !r.isConst()) {
                        throw v.error("R" + regno + " type=" + r.type.logName + " expected=map_value (spin lock)");
                    }
                    helperMemory(st, regno, r, 4, false, false);
                }
            }
        }
        if (id == HelperIds.TAIL_CALL) {
            if (st.frames.stream().anyMatch(f -> f.callback)) {
                throw v.error("tail_call from a callback is not supported by the VM (bpf_loop and for_each callbacks must return)");
            }
            if (!st.refs.isEmpty()) {
                throw v.error("tail_call would lead to reference leak");
            }
            if (st.frames.size() > 1) {
                v.noteTailCallFromSubprogram(st);
            }
        }
        if (release != null) {
            int ref = release.refId;
            st.refs.removeIf(x -> x.id() == ref);
            st.forEachReg(r -> {
                if (r.refId == ref) {
                    r.becomeUnknown();
                }
            });
        }
        if (proto.changesPacket()) {
            st.forEachReg(r -> {
                if (r.type.isPacket() || r.type == RegType.PTR_TO_PACKET_END) {
                    r.becomeUnknown();
                }
            });
        }
        Reg ret = switch (proto.ret()) {
            case INTEGER -> Reg.unknown();
            case U32 -> Reg.unsignedOfSize(4);
            case VOID -> Reg.notInit();
            case MAP_VALUE_OR_NULL -> {
                Reg r;
                if (map.type() == MapType.ARRAY_OF_MAPS || map.type() == MapType.HASH_OF_MAPS) {
                    if (map.innerMap() == null) {
                        throw v.error("map `" + map.name() + "` has no inner map template");
                    }
                    r = Reg.pointer(RegType.CONST_PTR_TO_MAP_OR_NULL);
                    r.map = innerMapIndex(map.innerMap());
                } else {
                    r = Reg.pointer(RegType.PTR_TO_MAP_VALUE_OR_NULL);
                    r.map = mapIndex;
                }
                r.id = v.newId();
                yield r;
            }
            case TASK_STRUCT -> {
                Reg r = Reg.pointer(RegType.PTR_TO_BTF_ID);
                r.btfId = VmKernelTypes.taskStructId();
                yield r;
            }
            case RINGBUF_MEM_OR_NULL -> {
                Reg r = Reg.pointer(RegType.PTR_TO_MEM_OR_NULL);
                r.memSize = allocSize;
                r.id = v.newId();
                r.refId = r.id;
                st.refs.add(new VerifierState.Ref(r.refId, v.pc));
                yield r;
            }
        };
        if (callback != null) {
            // bpf_loop, bpf_for_each_map_elem: the callback may run zero times, or (explored here) once, in a new frame
            int target = callback.frame;
            Reg ctxArg = regs[3].copy();
            Reg mapArg = regs[1].copy();
            VerifierState notCalled = st.copy();
            clobber(notCalled.regs());
            notCalled.regs()[0] = ret.copy();
            notCalled.insn = v.pc + 1;
            v.push(notCalled);
            v.enterSubprog(st, target, true);
            Reg[] cb = st.regs();
            if (id == HelperIds.FOR_EACH_MAP_ELEM) {
                // callback(map, key, value, ctx): the key is read-only memory of key_size bytes
                // (the run time refuses writes to it), the value the map's own
                cb[1] = mapArg;
                cb[2] = Reg.pointer(RegType.PTR_TO_MEM);
                cb[2].memSize = map.keySize();
                cb[3] = Reg.pointer(RegType.PTR_TO_MAP_VALUE);
                cb[3].map = mapIndex;
                cb[4] = ctxArg;
            } else {
                cb[1] = Reg.unsignedOfSize(4);
                cb[2] = ctxArg;
            }
            clobber(st.frames.get(st.frames.size() - 2).regs);
            return true;
        }
        clobber(regs);
        regs[0] = ret;
        st.insn = v.pc + 1;
        return true;
    }

    int innerMapIndex(MapDefinition inner) {
        for (int i = 0; i < v.maps.size(); i++) {
            if (v.maps.get(i) == inner) {
                return i;
            }
        }
        v.maps.add(inner);
        return v.maps.size() - 1;
    }

    static void clobber(Reg[] regs) {
        for (int i = 1; i <= 5; i++) {
            regs[i] = Reg.notInit();
        }
    }

    /** A helper reads (or, uninit, writes) {@code size} bytes at the pointer in {@code regno}. */
    void helperMemory(VerifierState st, int regno, Reg r, int size, boolean write, boolean unused) {
        switch (r.type) {
            case PTR_TO_STACK -> {
                if (!r.isConst()) {
                    throw v.error("R" + regno + " variable stack access prohibited in helper arguments");
                }
                long off = r.off + r.constValue();
                if (off < -VerifierState.STACK_SIZE || off + size > 0 || (size == 0 && off >= 0)) {
                    throw v.error("invalid indirect access to stack R" + regno + " off=" + off + " size=" + size);
                }
                Frame f = st.frames.get(r.frame);
                int base = (int) (VerifierState.STACK_SIZE + off);
                v.noteStackDepth(f, (int) -off);
                if (write) {
                    MemoryChecks.destroySpills(f, base, size);
                    Arrays.fill(f.stack, base, base + size, VerifierState.MISC);
                } else {
                    for (int b = base; b < base + size; b++) {
                        if (f.stack[b] == VerifierState.INVALID) {
                            throw v.error("invalid indirect read from stack R" + regno + " off " + off + "+" + (b - base) + " size " + size);
                        }
                    }
                }
            }
            case PTR_TO_MAP_VALUE, PTR_TO_MEM, PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                if (size > 0) {
                    v.memory.memAccess(st, regno, r, 0, size, write, Reg.unknown(), false);
                }
            }
            default -> throw v.error("R" + regno + " type=" + r.type.logName + " expected=fp, pkt, pkt_meta, map_value, mem");
        }
    }
}
