package dev.warden.collector;

import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The control-channel end of an agent, written from the wire protocol alone (Frames' javadoc):
 * says HELLO, takes the WELCOME, sends authenticated HEARTBEAT and ORDER_ACK frames and collects
 * the ORDER frames the collector sends, verifying each against the collector's order key. Lets
 * the collector's control plane be tested without the agent's implementation.
 *
 * <p>One test thread; {@link #pump} polls the control subscription.
 */
final class FakeAgent implements AutoCloseable {
    final String agent;
    final String instance;
    final long helloTime = System.currentTimeMillis() * 1000;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication data;
    private final Subscription control;
    private final String endpoint;
    private final KeyPair keys = LinkKeys.generate();
    private LinkKeys.Macer macer;
    private long counter;
    /** Orders received, verified or not, in arrival order. */
    final List<Order> orders = new ArrayList<>();
    final List<Boolean> verified = new ArrayList<>();
    private final PublicKey orderKey;

    FakeAgent(Path dir, String agent, String instance, int collectorPort, PublicKey orderKey) {
        this.agent = agent;
        this.instance = instance;
        this.orderKey = orderKey;
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.resolve("aeron-" + instance).toString())
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                .dirDeleteOnShutdown(true).printConfigurationOnStart(false));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.resolve("aeron-" + instance).toString()));
        control = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", Frames.CONTROL_STREAM);
        endpoint = control.localSocketAddresses().get(0);
        data = aeron.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:" + collectorPort + "|term-length=1m", Frames.DATA_STREAM);
    }

    String endpoint() {
        return endpoint;
    }

    /** HELLO until the WELCOME arrives; the link key is derived from it. */
    void connect() throws InterruptedException {
        byte[] agentPub = LinkKeys.raw(keys.getPublic());
        long deadline = System.currentTimeMillis() + 20_000;
        long lastHello = 0;
        while (macer == null) {
            if (System.currentTimeMillis() - lastHello > 500 && data.isConnected()) {
                Frames.Out f = new Frames.Out(256);
                f.start(Frames.HELLO).str(instance).str(agent).i64(helloTime).fixed(agentPub, 32).str(endpoint).u8(0);
                offer(f);
                lastHello = System.currentTimeMillis();
            }
            pump();
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(instance + ": no WELCOME within 20 s");
            }
            Thread.sleep(5);
        }
    }

    /** Polls the control subscription: WELCOME derives the link key, ORDER frames are collected. */
    int pump() {
        return control.poll(new FragmentAssembler((buf, off, len, header) -> {
            byte[] b = new byte[len];
            buf.getBytes(off, b);
            Frames.In in = new Frames.In().wrap(b, 0, len);
            int type = Frames.type(b, 0, len);
            in.skip(Frames.HEADER);
            if (type == Frames.WELCOME && macer == null) {
                String inst = in.str();
                in.i64();
                byte[] collectorPub = in.fixed(32);
                if (inst.equals(instance)) {
                    byte[] agentPub = LinkKeys.raw(keys.getPublic());
                    macer = new LinkKeys.Macer(LinkKeys.linkKey(keys.getPrivate(), collectorPub, instance, agentPub, collectorPub));
                }
            } else if (type == Frames.ORDER) {
                in.str();
                int n = in.i32();
                byte[] ob = in.fixed(n);
                Order o = Order.decode(ob, 0, ob.length);
                orders.add(o);
                verified.add(o.verify(orderKey));
            }
        }), 16);
    }

    void heartbeat(String json) throws InterruptedException {
        byte[] j = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Frames.Out f = new Frames.Out(256 + j.length);
        f.start(Frames.HEARTBEAT).str(instance).i64(helloTime).i64(++counter).i32(j.length).bytes(j, 0, j.length);
        macer.sign(f);
        offer(f);
    }

    /** Sends a heartbeat with a counter of our choosing (to replay one). */
    void heartbeatWithCounter(long c, String json) throws InterruptedException {
        byte[] j = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Frames.Out f = new Frames.Out(256 + j.length);
        f.start(Frames.HEARTBEAT).str(instance).i64(helloTime).i64(c).i32(j.length).bytes(j, 0, j.length);
        macer.sign(f);
        offer(f);
    }

    void ack(Order o, boolean applied, String policyVersion, String detail) throws InterruptedException {
        Frames.Out f = new Frames.Out(256);
        f.start(Frames.ORDER_ACK).str(instance).i64(helloTime).i64(++counter).i64(o.serial).u8(o.type)
                .u8(applied ? Frames.ORDER_APPLIED : Frames.ORDER_REFUSED).str(policyVersion).str(detail);
        macer.sign(f);
        offer(f);
    }

    /** An ORDER_ACK with a MAC under a key the collector never agreed (forged). */
    void forgedAck(Order o) throws InterruptedException {
        Frames.Out f = new Frames.Out(256);
        f.start(Frames.ORDER_ACK).str(instance).i64(helloTime).i64(++counter).i64(o.serial).u8(o.type)
                .u8(Frames.ORDER_APPLIED).str(null).str(null);
        new LinkKeys.Macer(new byte[32]).sign(f);
        offer(f);
    }

    /** Waits until {@code n} orders have arrived. */
    void awaitOrders(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (orders.size() < n) {
            pump();
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(instance + ": " + orders.size() + " of " + n + " orders arrived: " + orders);
            }
            Thread.sleep(2);
        }
    }

    private void offer(Frames.Out f) throws InterruptedException {
        byte[] b = Arrays.copyOf(f.buffer(), f.length());
        UnsafeBuffer buf = new UnsafeBuffer(b);
        long deadline = System.currentTimeMillis() + 10_000;
        while (data.offer(buf, 0, b.length) < 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("could not send");
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        aeron.close();
        driver.close();
    }
}
