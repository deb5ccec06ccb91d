package dev.warden.agent.it;

import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The collector's side of the control channel, played in the test JVM with the real frames
 * (the collector module depends on the agent, not the reverse): it answers HELLO with an
 * authenticated WELCOME, acknowledges batches, collects HEARTBEATs and ORDER_ACKs (checking their
 * MACs), and sends ORDER frames to an instance's control endpoint. One poll thread; the send
 * methods may be called from the test thread.
 */
final class OrderDesk implements AutoCloseable {
    /** One ORDER_ACK as the agent sent it. */
    record OrderAck(String instance, long serial, int type, int status, String policyVersion, String detail, long receivedNanos) {
        boolean applied() {
            return status == Frames.ORDER_APPLIED;
        }
    }

    /** One HEARTBEAT's JSON with when it arrived. */
    record Heartbeat(String instance, String json, long receivedNanos) {
    }

    private static final class Link {
        final String instance;
        final LinkKeys.Macer macer;
        final Publication control;
        final long helloTime;

        Link(String instance, LinkKeys.Macer macer, Publication control, long helloTime) {
            this.instance = instance;
            this.macer = macer;
            this.control = control;
            this.helloTime = helloTime;
        }
    }

    final int port;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription data;
    private final KeyPair keys = LinkKeys.generate();
    private final byte[] pub = LinkKeys.raw(keys.getPublic());
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Publication> endpoints = new ConcurrentHashMap<>();
    final List<OrderAck> acks = new CopyOnWriteArrayList<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final List<String> badMacs = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;
    private final byte[] frame = new byte[128 * 1024];
    private final Frames.In in = new Frames.In();

    OrderDesk(Path dir) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                .publicationTermBufferLength(1 << 20).termBufferSparseFile(true)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).printConfigurationOnStart(false));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()));
        data = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + port, Frames.DATA_STREAM);
        poller = new Thread(this::poll, "test-order-desk");
        poller.setDaemon(true);
        poller.start();
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    private void poll() {
        FragmentAssembler handler = new FragmentAssembler(this::onFrame);
        SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (running) {
            idle.idle(data.poll(handler, 16));
        }
    }

    private void onFrame(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        buffer.getBytes(offset, frame, 0, length);
        int type = Frames.type(frame, 0, length);
        in.wrap(frame, 0, length).skip(Frames.HEADER);
        String instance = in.str();
        switch (type) {
            case Frames.HELLO -> {
                String agent = in.str();
                long helloTime = in.i64();
                byte[] agentPub = in.fixed(32);
                String endpoint = in.str();
                byte[] linkKey = LinkKeys.linkKey(keys.getPrivate(), agentPub, instance, agentPub, pub);
                Publication control = endpoints.computeIfAbsent(endpoint,
                        e -> aeron.addPublication("aeron:udp?endpoint=" + e, Frames.CONTROL_STREAM));
                Link link = new Link(instance, new LinkKeys.Macer(linkKey), control, helloTime);
                links.put(instance, link);
                Frames.Out out = new Frames.Out(256);
                out.start(Frames.WELCOME).str(instance).i64(helloTime).fixed(pub, 32).i64(0).fixed(null, 32);
                link.macer.sign(out);
                send(control, out);
            }
            case Frames.BATCH -> {
                long helloTime = in.i64();
                in.i64();
                long first = in.i64();
                int count = in.i32();
                Link link = links.get(instance);
                if (link != null && helloTime == link.helloTime) {
                    Frames.Out out = new Frames.Out(128);
                    out.start(Frames.ACK).str(instance).i64(helloTime).i64(first + count - 1).u8(0);
                    link.macer.sign(out);
                    send(link.control, out);
                }
            }
            case Frames.HEARTBEAT -> {
                in.i64();
                in.i64();
                int n = in.i32();
                String json = new String(in.fixed(n), StandardCharsets.UTF_8);
                in.trailer(Frames.MAC);
                if (verified(instance, length)) {
                    heartbeats.add(new Heartbeat(instance, json, System.nanoTime()));
                }
            }
            case Frames.ORDER_ACK -> {
                in.i64();
                in.i64();
                long serial = in.i64();
                int orderType = in.u8();
                int status = in.u8();
                String version = in.str();
                String detail = in.str();
                in.trailer(Frames.MAC);
                if (verified(instance, length)) {
                    acks.add(new OrderAck(instance, serial, orderType, status, version, detail, System.nanoTime()));
                }
            }
            default -> {
                // approval requests are not played here
            }
        }
    }

    private boolean verified(String instance, int length) {
        Link link = links.get(instance);
        if (link == null || !link.macer.verify(frame, 0, length)) {
            badMacs.add(instance);
            return false;
        }
        return true;
    }

    private static void send(Publication p, Frames.Out out) {
        UnsafeBuffer b = new UnsafeBuffer(out.buffer(), 0, out.length());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.offer(b, 0, out.length()) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not send to " + p.channel());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The instances that said HELLO. */
    List<String> instances() {
        return List.copyOf(links.keySet());
    }

    /** Sends an ORDER frame carrying {@code order} to an instance's control endpoint. */
    void send(String instance, Order order) {
        Link link = links.get(instance);
        if (link == null) {
            throw new AssertionError("no HELLO from " + instance);
        }
        byte[] o = order.encode();
        Frames.Out out = new Frames.Out(o.length + 64);
        out.start(Frames.ORDER).str(instance).i32(o.length).bytes(o, 0, o.length);
        send(link.control, out);
    }

    /** Waits for the acknowledgement of {@code serial} (the {@code nth} one, counting from 1). */
    OrderAck awaitAck(long serial, int nth) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<OrderAck> matching = acks.stream().filter(a -> a.serial() == serial).toList();
            if (matching.size() >= nth) {
                return matching.get(nth - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no acknowledgement #" + nth + " of order " + serial + "; acks: " + acks);
            }
            Thread.sleep(5);
        }
    }

    Heartbeat awaitHeartbeat(Predicate<String> json) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            for (Heartbeat h : heartbeats) {
                if (json.test(h.json())) {
                    return h;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such heartbeat; last: " + (heartbeats.isEmpty() ? "none" : heartbeats.get(heartbeats.size() - 1)));
            }
            Thread.sleep(20);
        }
    }

    String awaitInstance() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (links.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no agent said HELLO");
            }
            Thread.sleep(20);
        }
        return instances().get(0);
    }

    @Override
    public void close() throws Exception {
        running = false;
        poller.join(2_000);
        aeron.close();
        driver.close();
    }
}
