package dev.wbpf.vm.load;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.context.SkBuffContext;

/** Runs a socket filter on a frame the way a packet socket delivers it (from the Ethernet header). */
final class SocketRuns {
    private SocketRuns() {}

    static int run(VmObject obj, String program, byte[] frame) {
        ExecutionContext ctx = new ExecutionContext(0, HostEnvironment.ofCurrentProcess().withTraceLog(l -> { }));
        SkBuffContext skb = SkBuffContext.create(ctx, ProgramType.SOCKET_FILTER, frame, SkBuffContext.Layer.LINK, null);
        ctx.setArgument(1, skb.pointer());
        return (int) obj.machine(program).execute(ctx);
    }
}
