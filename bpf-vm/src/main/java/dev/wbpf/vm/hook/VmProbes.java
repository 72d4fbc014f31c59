package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.vm.backend.VmAttachPoint;
import dev.wbpf.vm.backend.VmBpfProgram;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Application probes: a JVM application declares named probes ({@link #probe(String, String)}),
 * keeps them (typically in {@code static final} fields) and fires them with up to six {@code long}
 * arguments; BPF programs attach to them with
 * <ul>
 *   <li>{@code SEC("raw_tp/NAME")} or {@code SEC("raw_tp/PROVIDER:NAME")}: the context is
 *       {@code struct bpf_raw_tracepoint_args { __u64 args[6]; }} (unused arguments are 0);</li>
 *   <li>{@code SEC("usdt/PROVIDER:NAME")} (also {@code usdt/ANY_PATH:PROVIDER:NAME}): the context
 *       is an x86-64 {@code struct pt_regs} (168 bytes, zero but for the arguments) with the
 *       arguments where {@code PT_REGS_PARM1..6} / {@code BPF_KPROBE} find them (di, si, dx, cx,
 *       r8, r9). libbpf's {@code BPF_USDT}/{@code bpf_usdt_arg()} (which need its spec maps) are not
 *       supported.</li>
 * </ul>
 * The registry is process-wide, so that probes declared anywhere in the application can be found
 * by every VM backend. Firing a probe no program is attached to reads one volatile field.
 */
public final class VmProbes implements VmAttachPoint {
    private static final Map<String, VmProbe> PROBES = new ConcurrentHashMap<>();

    /** The probe {@code provider:name}, declared on first use. */
    public static VmProbe probe(String provider, String name) {
        if (provider == null || provider.isEmpty() || name == null || name.isEmpty() || provider.contains(":") || name.contains(":")) {
            throw new IllegalArgumentException("a probe needs a provider and a name without ':': " + provider + ", " + name);
        }
        return PROBES.computeIfAbsent(provider + ":" + name, key -> new VmProbe(provider, name));
    }

    /** Every declared probe. */
    public static List<VmProbe> probes() {
        return PROBES.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    @Override
    public String description() {
        String declared = probes().stream().map(VmProbe::key).collect(Collectors.joining(", "));
        return "raw_tp/NAME and usdt/PROVIDER:NAME on application probes fired from Java (VmProbes.probe(provider, name); declared: "
                + (declared.isEmpty() ? "none" : declared) + ")";
    }

    @Override
    public boolean accepts(VmBpfProgram program, String target) {
        AttachKind kind = program.spec().definition().kind();
        // only declared probes: any other raw_tp target (a kernel tracepoint) gets the backend's refusal
        return (kind == AttachKind.RAW_TRACEPOINT || kind == AttachKind.USDT) && find(kind, target) != null;
    }

    @Override
    public BpfLink attach(VmBpfProgram program, String target) {
        AttachKind kind = program.spec().definition().kind();
        VmProbe probe = find(kind, target);
        if (probe == null) {
            String declared = probes().stream().map(VmProbe::key).collect(Collectors.joining(", "));
            throw new BpfException("no application probe `" + target + "` to attach program `" + program.name() + "` to; declared: "
                    + (declared.isEmpty() ? "none" : declared) + " (a JVM application declares them with VmProbes.probe(provider, name)"
                    + " before attaching)", BpfException.ENOENT);
        }
        return probe.attach(new HookedProgram(program), kind == AttachKind.USDT);
    }

    private static VmProbe find(AttachKind kind, String target) {
        String[] parts = target.split(":");
        if (parts.length >= 2) {
            return PROBES.get(parts[parts.length - 2] + ":" + parts[parts.length - 1]);
        }
        if (kind == AttachKind.USDT) {
            return null;
        }
        List<VmProbe> named = PROBES.values().stream().filter(p -> p.name().equals(target)).toList();
        if (named.size() > 1) {
            throw new BpfException("application probe name `" + target + "` is ambiguous: "
                    + named.stream().map(VmProbe::key).sorted().collect(Collectors.joining(", ")) + "; use raw_tp/PROVIDER:NAME",
                    BpfException.EINVAL);
        }
        return named.isEmpty() ? null : named.getFirst();
    }
}
