package dev.wbpf.vm.hook;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Captured packets played into a {@link VmInterface} once programs are there to see them: the
 * replay waits for the first program to attach, then for attaching to settle (no further attach
 * for {@code settle}; a guest attaches a skeleton's programs in one burst), then injects every
 * packet, in capture order and at full speed, on a thread of its own. A guest that attaches and
 * then polls its maps or buffers sees the whole capture; programs attached later see none of it.
 */
public final class PcapReplay implements AutoCloseable {
    private final VmInterface iface;
    private final List<Pcap.Packet> packets;
    private final long settleNanos;
    private final AtomicLong lastAttach = new AtomicLong();
    private final AtomicInteger replayed = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread thread;

    private PcapReplay(VmInterface iface, List<Pcap.Packet> packets, Duration settle) {
        this.iface = iface;
        this.packets = List.copyOf(packets);
        this.settleNanos = settle.toNanos();
    }

    /** Arms a replay of {@code packets} into {@code iface}; nothing happens until a program attaches there. */
    public static PcapReplay whenAttached(VmInterface iface, List<Pcap.Packet> packets, Duration settle) {
        PcapReplay replay = new PcapReplay(iface, packets, settle);
        iface.onAttach(attachment -> replay.attached());
        return replay;
    }

    private synchronized void attached() {
        lastAttach.set(System.nanoTime());
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("wbpf-replay-" + iface.name()).start(this::replay);
        }
    }

    private void replay() {
        try {
            long wait;
            while ((wait = lastAttach.get() + settleNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            for (Pcap.Packet p : packets) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                iface.inject(p.data(), p.timestampNanos());
                replayed.incrementAndGet();
            }
        } catch (InterruptedException e) {
            // closed before the replay was done: the counts say how far it got
        } finally {
            finished.countDown();
        }
    }

    public VmInterface iface() {
        return iface;
    }

    /** Packets in the capture. */
    public int size() {
        return packets.size();
    }

    /** Packets injected so far. */
    public int replayed() {
        return replayed.get();
    }

    /** Whether a program attached, so the replay started. */
    public boolean started() {
        return thread != null;
    }

    /** Waits until every packet went through; false if the time ran out or nothing attached yet. */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return started() && finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops a replay still under way and waits for its thread. */
    @Override
    public void close() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join();
        }
    }
}
