package dev.warden.agent.ship;

import dev.warden.rules.evidence.wire.Frames;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The agent's evidence shipper: one daemon thread, {@code warden-shipper}, that tails the local
 * evidence queues under the evidence directory (this JVM's own instance and the backlog of dead
 * instances it finds there) and ships them to the collector over Aeron UDP; it also carries
 * this JVM's approval requests ({@link CollectorApprovals}), and the control plane's traffic
 * ({@link Control}): signed orders are handed over as they arrive (a kill applies before the next
 * governed call; the thread's longest park is 100 ms) and acknowledged, and heartbeats go out.
 *
 * <p>The application thread never meets the shipper: it only appends to the local queue. If the
 * collector is down or slow, evidence accumulates locally and the shipper catches up when it
 * returns. The embedded Aeron media driver and client run on this same thread
 * ({@link AeronRuntime}): shipping adds exactly this one thread to the host JVM. It never spins:
 * between bursts of work it parks up to 1 ms at a time, after a second without work 100 ms at a
 * time ({@link #wake} ends such a park when records reach the queue or an approval request is
 * made; an idle JVM with a collector: about 0.6-0.8% of a core for all of Warden's threads, 0.3%
 * without a collector).
 *
 * <p>{@link #start} and {@link #close} may be called from any thread; everything else runs on
 * the shipper thread.
 */
public final class Shipper implements AutoCloseable {
    /** Where and what to ship. */
    public static final class Settings {
        Path evidenceDir;
        String agent;
        String instance;
        String collectorHost;
        int collectorPort;
        String aeronDir;
        int termLength = 1 << 20;
        int mtu;
        Runnable threadSetup;

        /** {@code collector} is {@code HOST:PORT} as given in the agent arguments. */
        public Settings(Path evidenceDir, String agent, String instance, String collector) {
            this.evidenceDir = evidenceDir;
            this.agent = agent;
            this.instance = instance;
            int colon = collector.lastIndexOf(':');
            if (colon <= 0 || colon == collector.length() - 1) {
                throw new IllegalArgumentException("collector=" + collector + ": expected HOST:PORT, e.g. collector=127.0.0.1:7600");
            }
            String host = collector.substring(0, colon);
            this.collectorHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                this.collectorPort = Integer.parseInt(collector.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("collector=" + collector + ": the port is not a number");
            }
            if (collectorPort <= 0 || collectorPort > 65535) {
                throw new IllegalArgumentException("collector=" + collector + ": the port must be 1-65535");
            }
        }

        /** An existing media driver's directory ({@code warden.aeron.dir}) instead of an embedded one. */
        public Settings aeronDir(String dir) {
            this.aeronDir = dir;
            return this;
        }

        /** Runs first on the shipper thread (the agent marks it internal, so nothing it does is governed). */
        public Settings threadSetup(Runnable setup) {
            this.threadSetup = setup;
            return this;
        }

        public Settings termLength(int bytes) {
            this.termLength = bytes;
            return this;
        }

        public Settings mtu(int bytes) {
            this.mtu = bytes;
            return this;
        }
    }

    private static final long DISCOVER_EVERY_NANOS = 2_000_000_000L;
    /** How long {@link #close()} lets the collector take what this JVM wrote last. */
    public static final long DRAIN_MILLIS = 2_000;
    /** After this long without work the thread parks {@link #QUIET_PARK_NANOS} at a time instead of at most 1 ms. */
    private static final long QUIET_AFTER_NANOS = 1_000_000_000L;
    private static final long QUIET_PARK_NANOS = 100_000_000L;
    /** The longest park while an approval request waits for its decision. */
    private static final long AWAITING_PARK_NANOS = 10_000_000L;
    /** Caught up for this long in a row while draining: the evidence writer has flushed too. */
    private static final long DRAINED_QUIET_NANOS = 150_000_000L;
    /** Aeron's largest MTU: a whole batch frame in one loopback datagram. */
    static final int LOOPBACK_MTU = 65_504;
    private static final long APPROVAL_RESEND_NANOS = 1_000_000_000L;

    private final Settings settings;
    private final ShipCounters counters = new ShipCounters();
    private final CollectorApprovals approvals = new CollectorApprovals();
    private final Thread thread;
    /** True while the thread is in its quiet park; {@link #wake} unparks it only then. */
    private volatile boolean quietParked;
    private volatile boolean running = true;
    /** Set by {@link #close}: ship what is left, then stop (System.nanoTime deadline; 0 while running normally). */
    private volatile long drainUntilNanos;
    private long caughtUpSinceNanos;
    private long lastWorkNanos;
    private volatile String lastError;

    private AeronRuntime runtime;
    private ExclusivePublication pub;
    private Subscription control;
    private String controlEndpoint;
    private final Map<String, InstanceFeed> feeds = new LinkedHashMap<>();
    private InstanceFeed ownFeed;
    private FileChannel ownLock;
    private boolean wasConnected;
    /** Whether the link to the collector was ever up in this JVM (shipper thread only). */
    private boolean everConnected;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
    private final Frames.In in = new Frames.In();
    private final Frames.Out out = new Frames.Out(4096);
    private byte[] controlBytes = new byte[4096];
    private final java.util.ArrayDeque<Control.Ack> acks = new java.util.ArrayDeque<>();
    /** Orders and heartbeats (issue 9); null until the agent sets it: orders are then counted as bad control frames. */
    private volatile Control controlPlane;
    private boolean heartbeatWelcomed;
    private boolean controlWarm;
    private long lastHeartbeatNanos;

    private Shipper(Settings settings) {
        this.settings = settings;
        this.thread = new Thread(this::run, "warden-shipper");
        this.thread.setDaemon(true);
        this.approvals.onSubmit(this::wake);
    }

    /**
     * Ends a quiet park early: new records reached the local queue, or an approval request was
     * submitted. Any thread; lock-free and allocation-free; does nothing unless the thread is
     * parked quietly, so a busy application pays one volatile read per call.
     */
    public void wake() {
        if (quietParked) {
            quietParked = false;
            LockSupport.unpark(thread);
        }
    }

    /** Starts the shipper thread and returns at once; connection problems never reach the caller. */
    public static Shipper start(Settings settings) {
        Shipper s = prepare(settings);
        s.begin();
        return s;
    }

    /**
     * A shipper whose thread has not started yet: the agent creates it early (approval requests
     * and control wiring can refer to it) and calls {@link #begin} once {@code premain} is done, so
     * Aeron's start-up does not compete with the agent's own start-up for the host's cores.
     */
    public static Shipper prepare(Settings settings) {
        Shipper s = new Shipper(settings);
        s.approvals.running(true);
        return s;
    }

    /** Starts the shipper thread (once; later calls do nothing). Any thread. */
    public synchronized void begin() {
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /** Connects the control plane (set once the governor exists, before the first governed call). Any thread. */
    public void control(Control c) {
        this.controlPlane = c;
    }

    public CollectorApprovals approvals() {
        return approvals;
    }

    public ShipCounters counters() {
        return counters;
    }

    /** The last error the shipper met (for a status line), or null. */
    public String lastError() {
        return lastError;
    }

    private final InstanceFeed.Sender sender = new InstanceFeed.Sender() {
        @Override
        public boolean offer(Frames.Out frame) {
            sendBuffer.wrap(frame.buffer(), 0, frame.length());
            long r = pub.offer(sendBuffer, 0, frame.length());
            if (r == Publication.MAX_POSITION_EXCEEDED || r == Publication.CLOSED) {
                lastError = "the publication to the collector closed (" + r + ")";
            }
            return r > 0;
        }

        @Override
        public boolean connected() {
            return pub.isConnected();
        }
    };

    private void run() {
        if (settings.threadSetup != null) {
            settings.threadSetup.run();
        }
        IdleStrategy idle = AeronRuntime.parking(1_000);
        while (running) {
            try {
                open();
                loop(idle);
            } catch (Throwable t) {
                counters.errors.increment();
                lastError = String.valueOf(t);
                closeTransport();
                if (drainUntilNanos != 0) {
                    running = false; // closing, and the link is broken: nothing more can be shipped
                } else if (running) {
                    sleepQuietly(1_000);
                }
            }
        }
        closeTransport();
    }

    private void open() throws IOException {
        dev.warden.agent.evidence.ChronicleSetup.quiet();
        Files.createDirectories(settings.evidenceDir);
        int term = settings.termLength;
        runtime = AeronRuntime.start(settings.evidenceDir.resolve(".aeron"), settings.instance, settings.aeronDir, term,
                t -> {
                    counters.errors.increment();
                    lastError = String.valueOf(t);
                });
        String local = localAddressToward(settings.collectorHost, settings.collectorPort);
        control = runtime.aeron().addSubscription("aeron:udp?endpoint=" + hostPort(local, 0), Frames.CONTROL_STREAM);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (control.localSocketAddresses().isEmpty() && System.nanoTime() < deadline) {
            if (runtime.doWork() == 0) {
                sleepQuietly(1);
            }
        }
        if (control.localSocketAddresses().isEmpty()) {
            throw new IOException("the control channel did not bind on " + local);
        }
        controlEndpoint = control.localSocketAddresses().get(0);
        // one frame per datagram on loopback (no IP fragmentation there); a safe Ethernet size elsewhere
        int mtu = settings.mtu > 0 ? settings.mtu : (isLoopback(settings.collectorHost) ? LOOPBACK_MTU : 1408);
        pub = runtime.aeron().addExclusivePublication("aeron:udp?endpoint=" + hostPort(settings.collectorHost, settings.collectorPort)
                + "|term-length=" + term + "|mtu=" + mtu, Frames.DATA_STREAM);
        if (ownFeed == null && settings.instance != null) {
            Path ownDir = settings.evidenceDir.resolve(settings.agent).resolve(settings.instance);
            Files.createDirectories(ownDir);
            if (ownLock == null) {
                ownLock = LocalQueue.tryLock(ownDir, false);
                Files.writeString(ownDir.resolve(LocalQueue.PID), ProcessHandle.current().pid() + "\n");
            }
            ownFeed = new InstanceFeed(ownDir, settings.agent, true, ownLock, controlEndpoint, counters);
            feeds.put(ownFeed.instance, ownFeed);
        }
        for (InstanceFeed f : feeds.values()) {
            f.controlEndpoint(controlEndpoint);
            f.reconnect();
        }
        wasConnected = false;
        // the driver and client run their duty cycles on this thread: a fresh link must not start in
        // the quiet park, or connecting takes a round of 100 ms parks per handshake step
        lastWorkNanos = System.nanoTime();
    }

    private void loop(IdleStrategy idle) throws IOException {
        FragmentHandler handler = new FragmentAssembler(this::onControl);
        long lastDiscover = 0;
        while (running) {
            int aeronWork = runtime.doWork(); // the embedded driver and the Aeron client run on this thread
            int work = control.poll(handler, 16);
            long now = System.nanoTime();
            boolean connected = pub.isConnected();
            if (connected && !wasConnected) {
                everConnected = true;
                work++;
                for (InstanceFeed f : feeds.values()) {
                    f.reconnect(); // a (re)started collector: hello first, then resume from its ack
                }
            }
            wasConnected = connected;
            if (now - lastDiscover > DISCOVER_EVERY_NANOS) {
                lastDiscover = now;
                discoverDeadInstances();
            }
            Iterator<InstanceFeed> it = feeds.values().iterator();
            while (it.hasNext()) {
                InstanceFeed f = it.next();
                if (connected) {
                    work += f.pump(sender, now);
                }
                if (f.finished()) {
                    it.remove();
                    f.closeAndDelete();
                    counters.instancesFinished.increment();
                }
            }
            work += pumpApprovals(now, connected);
            work += pumpControl(now, connected);
            if (drainUntilNanos != 0 && drained(now, connected)) {
                running = false;
                break;
            }
            // the driver's timers always find a little to do, so only the shipper's own work (frames,
            // records, approvals) tells whether anything is going on
            if (work > 0) {
                lastWorkNanos = now;
                idle.idle(work + aeronWork);
            } else if (drainUntilNanos == 0 && now - lastWorkNanos > QUIET_AFTER_NANOS) {
                // nothing for a while: wake 10 times a second, not 1000 (Aeron's keep-alives and
                // heartbeats need a duty cycle every few hundred ms), sooner when records or an
                // approval request arrive; 100 times a second while a decision is awaited
                quietParked = true;
                LockSupport.parkNanos(this, approvals.awaiting() ? AWAITING_PARK_NANOS : QUIET_PARK_NANOS);
                quietParked = false;
            } else {
                idle.idle(aeronWork);
            }
        }
    }

    /** While closing: whether to stop now (everything of this JVM acknowledged for a moment, nobody to ship to, or out of time). */
    private boolean drained(long now, boolean connected) {
        if (now - drainUntilNanos >= 0 || ownFeed == null) {
            return true;
        }
        if (!connected) {
            // a link that was up and went away: nobody to ship to. One never up yet (a JVM that ran
            // briefly, exiting while its link still comes up) gets the rest of the drain time to connect
            return everConnected;
        }
        if (!ownFeed.caughtUp()) {
            caughtUpSinceNanos = 0;
            return false;
        }
        if (caughtUpSinceNanos == 0) {
            caughtUpSinceNanos = now;
        }
        return now - caughtUpSinceNanos >= DRAINED_QUIET_NANOS;
    }

    private void discoverDeadInstances() throws IOException {
        for (Path dir : LocalQueue.instances(settings.evidenceDir)) {
            String id = dir.getFileName().toString();
            if (feeds.containsKey(id) || id.equals(settings.instance)) {
                continue;
            }
            FileChannel lock = LocalQueue.tryLock(dir, true);
            if (lock != null) {
                InstanceFeed f = new InstanceFeed(dir, dir.getParent().getFileName().toString(), false, lock, controlEndpoint, counters);
                feeds.put(id, f);
            }
        }
    }

    private int pumpApprovals(long now, boolean connected) {
        CollectorApprovals.Pending p;
        while ((p = approvals.submitted.poll()) != null) {
            p.lastSentNanos = 0;
        }
        int work = 0;
        for (CollectorApprovals.Pending q : approvals.pendingRequests()) {
            if (now - q.deadlineNanos >= 0) {
                q.future.complete(new ApprovalResult(q.everSent ? ApprovalResult.Status.TIMED_OUT : ApprovalResult.Status.UNAVAILABLE,
                        null, q.waitedMillis(), q.everSent ? "no decision within " + q.timeoutMillis + " ms"
                        : "the collector could not be reached within " + q.timeoutMillis + " ms"));
                work++;
                continue;
            }
            if (q.received || !connected || ownFeed == null || !ownFeed.welcomed()
                    || (q.lastSentNanos != 0 && now - q.lastSentNanos < APPROVAL_RESEND_NANOS)) {
                continue;
            }
            long remaining = Math.max(1, (q.deadlineNanos - now) / 1_000_000L);
            out.start(Frames.APPROVAL_REQUEST).str(ownFeed.instance).i64(ownFeed.helloTime()).i64(ownFeed.nextApprovalCounter())
                    .str(q.id).str(settings.agent).str(q.session).str(q.principal).str(q.summary).str(q.digest).i64(remaining);
            ownFeed.macer().sign(out);
            if (sender.offer(out)) {
                q.lastSentNanos = now;
                q.everSent = true;
                work++;
            }
        }
        return work;
    }

    /** Sends pending order acknowledgements, and a heartbeat when due (at once after a WELCOME). */
    private int pumpControl(long now, boolean connected) {
        Control c = controlPlane;
        if (c == null || ownFeed == null) {
            return 0;
        }
        if (!controlWarm) {
            controlWarm = true;
            c.warmUp();
        }
        boolean welcomed = connected && ownFeed.welcomed();
        if (!welcomed) {
            heartbeatWelcomed = false;
            return 0;
        }
        int work = 0;
        Control.Ack a;
        while ((a = acks.peekFirst()) != null) {
            out.start(Frames.ORDER_ACK).str(ownFeed.instance).i64(ownFeed.helloTime()).i64(ownFeed.nextApprovalCounter())
                    .i64(a.serial()).u8(a.type()).u8(a.status()).str(a.policyVersion()).str(a.detail());
            ownFeed.macer().sign(out);
            if (!sender.offer(out)) {
                break;
            }
            acks.pollFirst();
            work++;
        }
        boolean fresh = !heartbeatWelcomed;
        if (fresh || now - lastHeartbeatNanos >= c.heartbeatMillis() * 1_000_000L) {
            long backlog = 0;
            for (InstanceFeed f : feeds.values()) {
                backlog += Math.max(0, f.nextPosition() - 1 - f.acked());
            }
            byte[] json = c.heartbeat(fresh, backlog).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.start(Frames.HEARTBEAT).str(ownFeed.instance).i64(ownFeed.helloTime()).i64(ownFeed.nextApprovalCounter())
                    .i32(json.length).bytes(json, 0, json.length);
            ownFeed.macer().sign(out);
            if (sender.offer(out)) {
                counters.heartbeats.increment();
            } else {
                c.heartbeatLost();
            }
            heartbeatWelcomed = true;
            lastHeartbeatNanos = now;
            // not counted as work: a heartbeat announces nothing more to do, so the idle back-off is kept
        }
        return work;
    }

    private void onControl(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        if (length > controlBytes.length) {
            controlBytes = new byte[length];
        }
        buffer.getBytes(offset, controlBytes, 0, length);
        byte[] b = controlBytes;
        try {
            int type = Frames.type(b, 0, length);
            in.wrap(b, 0, length).skip(Frames.HEADER);
            String instance = in.str();
            InstanceFeed f = instance == null ? null : feeds.get(instance);
            if (f == null) {
                counters.badControl.increment();
                return;
            }
            switch (type) {
                case Frames.WELCOME -> {
                    long hTime = in.i64();
                    byte[] collectorPub = in.fixed(32);
                    long durable = in.i64();
                    byte[] last = in.fixed(32);
                    in.trailer(Frames.MAC);
                    f.onWelcome(hTime, collectorPub, durable, Frames.isZero(last) ? null : last, b, 0, length);
                }
                case Frames.ACK -> {
                    long hTime = in.i64();
                    long durable = in.i64();
                    int flags = in.u8();
                    in.trailer(Frames.MAC);
                    if (f.macer() == null || !f.macer().verify(b, 0, length)) {
                        counters.badControl.increment();
                        return;
                    }
                    f.onAck(hTime, durable, (flags & 1) != 0);
                }
                case Frames.APPROVAL_RECEIVED, Frames.APPROVAL_DECISION -> onApproval(type, f, b, length);
                case Frames.RESYNC -> f.reconnect();
                case Frames.ORDER -> {
                    int n = in.i32();
                    int at = in.position();
                    in.skip(n);
                    Control c = controlPlane;
                    if (in.remaining() != 0 || f != ownFeed || c == null) {
                        counters.badControl.increment();
                        return;
                    }
                    // applied (or refused) here, on the shipper thread: the next governed call sees it
                    acks.addLast(c.order(b, at, n));
                    counters.orders.increment();
                }
                default -> counters.badControl.increment();
            }
        } catch (IllegalArgumentException e) {
            counters.badControl.increment();
        }
    }

    private void onApproval(int type, InstanceFeed f, byte[] b, int length) {
        String id = in.str();
        byte decision = 0;
        String approver = null;
        if (type == Frames.APPROVAL_DECISION) {
            decision = (byte) in.u8();
            approver = in.str();
            in.i64();
        }
        in.trailer(Frames.MAC);
        if (f != ownFeed || f.macer() == null || !f.macer().verify(b, 0, length)) {
            counters.badControl.increment();
            return;
        }
        CollectorApprovals.Pending p = approvals.get(id);
        if (p == null) {
            return;
        }
        if (type == Frames.APPROVAL_RECEIVED) {
            p.received = true;
            return;
        }
        ApprovalResult.Status st = switch (decision) {
            case Frames.APPROVED -> ApprovalResult.Status.APPROVED;
            case Frames.DENIED -> ApprovalResult.Status.DENIED;
            default -> ApprovalResult.Status.TIMED_OUT;
        };
        p.future.complete(new ApprovalResult(st, approver, p.waitedMillis(),
                st == ApprovalResult.Status.TIMED_OUT ? "expired at the collector" : st.label + " by " + approver));
    }

    private void closeTransport() {
        for (InstanceFeed f : feeds.values()) {
            f.saveState();
        }
        LocalQueue.closeQuietly(runtime);
        runtime = null;
        pub = null;
        control = null;
    }

    /**
     * Ships what this JVM has written (while connected, for up to {@link #DRAIN_MILLIS}: at exit the
     * last records should not wait for the next JVM), then stops the thread, saves progress and
     * deletes the driver's directory.
     */
    @Override
    public void close() {
        close(DRAIN_MILLIS);
    }

    /** As {@link #close()}, giving the collector at most {@code drainMillis} to take the rest (0: stop at once). */
    public void close(long drainMillis) {
        approvals.failAll("the agent is shutting down");
        if (drainMillis > 0 && thread.isAlive()) {
            drainUntilNanos = System.nanoTime() + drainMillis * 1_000_000L;
            // not wake(): an unconditional permit also ends a park the thread is just about to begin
            LockSupport.unpark(thread); // out of a quiet park: draining runs at full duty cycle
            try {
                thread.join(drainMillis + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            List<InstanceFeed> all = new ArrayList<>(feeds.values());
            feeds.clear();
            for (InstanceFeed f : all) {
                f.close();
            }
            LocalQueue.closeQuietly(ownLock);
        }
    }

    /** The local address this host uses to reach the collector (no packet is sent). */
    static String localAddressToward(String host, int port) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            InetAddress a = s.getLocalAddress();
            if (a == null || a.isAnyLocalAddress()) {
                return isLoopback(host) ? "127.0.0.1" : InetAddress.getLocalHost().getHostAddress();
            }
            return a.getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    static String hostPort(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
