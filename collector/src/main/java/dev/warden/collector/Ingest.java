package dev.warden.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.control.ControlPlane;
import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.wire.ChainHasher;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import dev.warden.rules.evidence.CanonicalHasher;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The collector's receiving end: polls the agents' frames from Aeron, authenticates them,
 * checks each instance's chain, writes new records to the {@link AuditStore} exactly once and
 * acknowledges what is durable (one acknowledgement per instance per round of polling, after the
 * round's records are in the store; a store that cannot be written, e.g. a full disk, stores and
 * acknowledges nothing more, says so once and is tried again each second, while the agents keep
 * the unacknowledged records and send them again); registers approval requests and sends decisions back; keeps
 * the {@link ControlPlane}'s fleet up to date from heartbeats and order acknowledgements, sends
 * new control orders to the instances they target as soon as they are issued and re-sends the
 * orders in force to every instance that (re)connects.
 *
 * <p>Per record the work is: recompute its chain hash from its encoded bytes
 * ({@code CanonicalHasher}: no decoding, no String), compare it with the authenticated one,
 * append it to the store, count it. Allocation-free, except the first time a combination of
 * kind, decision and rules is counted.
 *
 * <p>What it refuses: frames that are not ours or are malformed ({@code malformed}), a HELLO for
 * a bound instance with another key ({@code key-mismatch}), batches whose MAC fails or whose
 * records do not hash to the shipped, authenticated hashes ({@code forged}), batches from an
 * older session or with a counter already seen ({@code replayed}). Each is counted and recorded
 * in the store as an integrity event of the collector's own instance (aggregated per kind every
 * few seconds, so a flood cannot flood the store). A gap the agent declares and a previous hash
 * that does not match the collector's are recorded too, and the records are kept.
 *
 * <p>Confined to the ingest thread ({@code warden-collector-ingest}); the only state shared
 * with other threads is the {@link Metrics}, the {@link ApprovalRegistry}, the
 * {@link ControlPlane} and the source map filled by Aeron's image callbacks.
 */
final class Ingest implements AutoCloseable {
    static final int MAX_RECORDS_PER_BATCH = 4096;
    static final long EVENT_WINDOW_MILLIS = 5_000;

    private final AuditStore store;
    private final CollectorKeys keys;
    private final Bindings bindings;
    private final Metrics metrics;
    private final ApprovalRegistry approvals;
    private final ControlPlane controlPlane;
    private static final ObjectMapper JSON = new ObjectMapper();
    private long lastFleetSave;
    private final Aeron aeron;
    private final Subscription sub;
    private final FragmentHandler handler;
    private final Map<Integer, String> sources = new ConcurrentHashMap<>();
    private final Map<String, Publication> control = new HashMap<>();
    /** Control frames to a publication that is not connected yet (a new agent): retried briefly. */
    private final java.util.ArrayDeque<Object[]> unsent = new java.util.ArrayDeque<>();

    private final String collectorInstance = "collector-" + UUID.randomUUID();
    private long ownPosition;
    private byte[] ownHash;

    private byte[] frameBytes = new byte[64 * 1024];
    private final Frames.In in = new Frames.In();
    private final Frames.Out out = new Frames.Out(1024);
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
    private final ChainHasher hasher = new ChainHasher();
    private final byte[] computed = new byte[32];
    private byte[] prevScratch = new byte[32];
    private int[] hashOffsets = new int[256];
    private int[] recordOffsets = new int[256];
    private int[] recordLengths = new int[256];
    private long[] recordTimes = new long[256];

    private final java.util.ArrayList<Bindings.Binding> acksDue = new java.util.ArrayList<>();
    private final DecisionTally decisions;
    private final Map<String, long[]> pendingEvents = new LinkedHashMap<>();
    private final Map<String, String> pendingEventDetail = new HashMap<>();
    private long eventWindowStart = System.currentTimeMillis();
    /** Where the store's problems are reported (the collector's log). */
    java.io.PrintStream log = System.err;
    /** Why the store cannot be written now (a full disk), or null; reported once per episode. */
    private String storeProblem;
    /** While the store cannot be written, batches are not tried again before this time. */
    private long storeRetryAtMillis;
    static final long STORE_RETRY_MILLIS = 1_000;

    Ingest(AuditStore store, CollectorKeys keys, Bindings bindings, Metrics metrics, ApprovalRegistry approvals, ControlPlane controlPlane,
           Aeron aeron, String channel) {
        this.controlPlane = controlPlane;
        this.store = store;
        this.keys = keys;
        this.bindings = bindings;
        this.metrics = metrics;
        this.approvals = approvals;
        this.aeron = aeron;
        this.sub = aeron.addSubscription(channel, Frames.DATA_STREAM, this::onImage, img -> sources.remove(img.sessionId()));
        this.handler = new FragmentAssembler(this::onFragment);
        this.decisions = new DecisionTally(metrics);
    }

    private void onImage(Image image) {
        sources.put(image.sessionId(), image.sourceIdentity());
    }

    String collectorInstance() {
        return collectorInstance;
    }

    /** One round of work: frames, approval decisions and expiries, aggregated events, checkpoints. */
    int doWork(long nowMillis) {
        int work = sub.poll(handler, 8); // few frames per round: the driver (run by this thread too) keeps receiving
        if (!acksDue.isEmpty()) {
            work += sendAcks();
        }
        if (!unsent.isEmpty()) {
            work += retryUnsent(nowMillis);
        }
        ControlPlane.Dispatch order;
        while ((order = controlPlane.poll()) != null) {
            dispatch(order, nowMillis);
            work++;
        }
        if (nowMillis - lastFleetSave >= 2_000) {
            lastFleetSave = nowMillis;
            saveFleet();
        }
        ApprovalRegistry.Decided d;
        while ((d = approvals.outbox.poll()) != null) {
            sendDecision(d.request(), d.approved() ? Frames.APPROVED : Frames.DENIED, d.approver(), d.decidedAtMillis());
            work++;
        }
        for (ApprovalRegistry.Pending p : approvals.expire(nowMillis)) {
            sendDecision(p, Frames.EXPIRED, null, nowMillis);
            work++;
        }
        if (nowMillis - eventWindowStart >= EVENT_WINDOW_MILLIS) {
            flushEvents();
            eventWindowStart = nowMillis;
        }
        try {
            if (store.checkpointIfDue(nowMillis)) {
                metrics.checkpoints.increment();
                storeWritten();
                work++;
            }
        } catch (RuntimeException e) {
            storeFailed(e, nowMillis);
        }
        return work;
    }

    private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if (length > frameBytes.length) {
            if (length > 16 * 1024 * 1024) {
                drop("oversized", null, length + " bytes");
                return;
            }
            frameBytes = new byte[length];
        }
        buffer.getBytes(offset, frameBytes, 0, length);
        String source = sources.get(header.sessionId());
        try {
            switch (Frames.type(frameBytes, 0, length)) {
                case Frames.HELLO -> onHello(frameBytes, length, source);
                case Frames.BATCH -> onBatch(frameBytes, length);
                case Frames.APPROVAL_REQUEST -> onApprovalRequest(frameBytes, length);
                case Frames.HEARTBEAT -> onHeartbeat(frameBytes, length);
                case Frames.ORDER_ACK -> onOrderAck(frameBytes, length);
                default -> drop("malformed", null, "unknown frame type or magic from " + source);
            }
        } catch (IllegalArgumentException e) {
            drop("malformed", null, e.getMessage() + " (from " + source + ")");
        }
    }

    // ---------------------------------------------------------------- HELLO

    private void onHello(byte[] b, int len, String source) throws IllegalArgumentException {
        in.wrap(b, 0, len).skip(Frames.HEADER);
        String instance = in.str();
        String agent = in.str();
        long helloTime = in.i64();
        byte[] agentPub = in.fixed(32);
        String endpoint = in.str();
        int flags = in.u8();
        if ((flags & Frames.FLAG_MAC) != 0) {
            in.trailer(Frames.MAC);
        } else if (in.remaining() != 0) {
            throw new IllegalArgumentException("trailing bytes after HELLO");
        }
        if (instance == null || instance.isEmpty() || endpoint == null) {
            throw new IllegalArgumentException("HELLO without instance or control endpoint");
        }
        if (!sameHost(endpoint, source)) {
            drop("endpoint-mismatch", instance, "control endpoint " + endpoint + " is not the sender " + source);
            return;
        }
        Bindings.Binding bd = bindings.get(instance);
        if (bd != null && !Arrays.equals(bd.agentPub, agentPub)) {
            drop("key-mismatch", instance, "HELLO with a different key for a bound instance");
            return;
        }
        if (bd == null) {
            bd = bindings.bind(instance, agentPub);
            deriveKey(bd);
        } else {
            deriveKey(bd);
            boolean macOk = (flags & Frames.FLAG_MAC) != 0 && bd.macer.verify(b, 0, len);
            // until the agent has proven it holds the link key (its first authenticated frame), it may not
            // know the collector's key yet (a lost WELCOME): an unauthenticated HELLO is accepted until then
            if (!macOk && bd.confirmed) {
                drop("forged", instance, "HELLO for a bound instance without a valid MAC");
                return;
            }
            if (helloTime <= bd.helloTime) {
                drop("replayed", instance, "HELLO older than the current session");
                return;
            }
        }
        bd.helloTime = helloTime;
        bd.counter = 0;
        bd.agent = agent;
        bd.controlEndpoint = endpoint;
        persist(bd);
        AuditStore.Head head = store.head(instance);
        out.start(Frames.WELCOME).str(instance).i64(helloTime).fixed(keys.ingestPub, 32)
                .i64(head == null ? 0 : head.position).fixed(head == null ? null : head.hash, 32);
        bd.macer.sign(out);
        send(bd, out);
        long now = System.currentTimeMillis();
        controlPlane.fleet.hello(instance, agent, endpoint, now);
        if (agent != null) {
            // an instance that was offline catches up: the newest policy, the kill orders in force, the newest resume
            for (Order o : controlPlane.book.resendFor(agent)) {
                sendOrder(bd, o, now);
            }
        }
    }

    private void persist(Bindings.Binding bd) {
        try {
            bindings.persist(bd);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + Bindings.FILE, e);
        }
    }

    private void deriveKey(Bindings.Binding bd) {
        if (bd.macer == null) {
            bd.linkKey = LinkKeys.linkKey(keys.ingest.getPrivate(), bd.agentPub, bd.instance, bd.agentPub, keys.ingestPub);
            bd.macer = new LinkKeys.Macer(bd.linkKey);
        }
    }

    private static boolean sameHost(String endpoint, String source) {
        if (source == null) {
            return false;
        }
        try {
            String eh = endpoint.substring(0, endpoint.lastIndexOf(':')).replace("[", "").replace("]", "");
            String sh = source.substring(0, source.lastIndexOf(':')).replace("[", "").replace("]", "");
            return InetAddress.getByName(eh).equals(InetAddress.getByName(sh));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- BATCH

    private void onBatch(byte[] b, int len) {
        in.wrap(b, 0, len).skip(Frames.HEADER);
        String instance = in.str();
        long helloTime = in.i64();
        long counter = in.i64();
        long firstPos = in.i64();
        int count = in.i32();
        int batchFlags = in.u8();
        int prevAt = in.position();
        in.skip(32);
        int headerEnd = in.position();
        if (instance == null || count <= 0 || count > MAX_RECORDS_PER_BATCH || firstPos <= 0) {
            throw new IllegalArgumentException("batch header out of range");
        }
        if (count > hashOffsets.length) {
            hashOffsets = new int[count];
            recordOffsets = new int[count];
            recordLengths = new int[count];
        }
        for (int i = 0; i < count; i++) {
            int l = in.i32();
            if (l <= 0) {
                throw new IllegalArgumentException("record length " + l);
            }
            hashOffsets[i] = in.position();
            in.skip(32);
            recordOffsets[i] = in.position();
            recordLengths[i] = l;
            in.skip(l);
        }
        int macAt = in.trailer(Frames.MAC);
        Bindings.Binding bd = bindings.get(instance);
        if (bd == null) {
            drop("unknown-instance", instance, "batch from an instance that never said HELLO");
            return;
        }
        deriveKey(bd);
        bd.macer.update(b, 0, headerEnd);
        for (int i = 0; i < count; i++) {
            bd.macer.update(b, hashOffsets[i], 32);
        }
        if (!bd.macer.finishAndCheck(b, macAt)) {
            drop("forged", instance, "batch MAC does not verify");
            return;
        }
        if (helloTime < bd.helloTime || (helloTime == bd.helloTime && counter <= bd.counter)) {
            drop("replayed", instance, "batch " + counter + " of session " + helloTime + " was already received");
            return;
        }
        if (helloTime > bd.helloTime) {
            // authentic, but from a session whose HELLO we missed: ask for a HELLO first
            resync(bd, "unknown session");
            return;
        }
        bd.counter = counter;
        if (!bd.confirmed) {
            bd.confirmed = true;
            persist(bd);
        }
        metrics.batches.increment();
        metrics.received.add(count);
        if (storeProblem != null && System.currentTimeMillis() < storeRetryAtMillis) {
            // the store cannot be written (disk full): nothing of this batch is acknowledged; the
            // agent keeps it and sends it again (its shipper rewinds when acknowledgements stall)
            metrics.dropped("store-unwritable");
            return;
        }

        AuditStore.Head head = store.head(instance);
        long headPos = head == null ? 0 : head.position;
        byte[] prev = null;
        if (!isZero(b, prevAt)) {
            prev = prevScratch;
            System.arraycopy(b, prevAt, prev, 0, 32);
        }
        boolean rewind = false;
        long lastTime = 0;
        int stored = 0;
        CanonicalHasher view = hasher.view();
        for (int i = 0; i < count; i++) {
            long pos = firstPos + i;
            int hashAt = hashOffsets[i];
            try {
                // the chain hash straight from the record's bytes: nothing is decoded
                hasher.hash(prev, b, recordOffsets[i], recordLengths[i], computed, 0);
            } catch (IllegalArgumentException e) {
                drop("forged", instance, "undecodable record at position " + pos + ": " + e.getMessage());
                break;
            }
            if (!view.stringEquals(CanonicalHasher.INSTANCE, bd.instanceBytes)) {
                drop("forged", instance, "a record of another instance at position " + pos);
                break;
            }
            if (!Arrays.equals(computed, 0, 32, b, hashAt, hashAt + 32)) {
                drop("forged", instance, "record at position " + pos + " does not hash to its authenticated hash");
                break;
            }
            if (pos <= headPos) {
                metrics.duplicates.increment();
            } else {
                int flags = 0;
                if (pos == headPos + 1) {
                    boolean linked = headPos == 0 ? prev == null : prev != null && Arrays.equals(prev, head.hash);
                    if (!linked) {
                        flags = StoreEntry.FLAG_BROKEN_LINK;
                        event("broken-link", instance, "position " + pos + ": previous hash "
                                + (prev == null ? "(none)" : ChainHasher.hex(prev)) + " does not match the stored "
                                + (headPos == 0 ? "(none)" : ChainHasher.hex(head.hash)), 1);
                    }
                } else if (i == 0 && (batchFlags & Frames.FLAG_GAP) != 0) {
                    flags = StoreEntry.FLAG_GAP;
                    event("gap", instance, "positions " + (headPos + 1) + ".." + (pos - 1) + " are missing on the agent's side", 1);
                } else {
                    rewind = true; // earlier records have not arrived (lost in flight): ask for them again
                    break;
                }
                if (head == null) {
                    head = store.headOrCreate(instance);
                }
                try {
                    store.appendRecord(head, pos, flags, b, hashAt, prev, b, recordOffsets[i], recordLengths[i]);
                } catch (RuntimeException e) {
                    // not durable, so not acknowledged: the acknowledgement below names the last record stored
                    storeFailed(e, System.currentTimeMillis());
                    metrics.dropped("store-unwritable");
                    break;
                }
                storeWritten();
                lastTime = view.timeMicros();
                if (stored == recordTimes.length) {
                    recordTimes = Arrays.copyOf(recordTimes, stored * 2);
                }
                recordTimes[stored++] = lastTime;
                if (view.type() == EvidenceRecord.Type.DECISION.ordinal()) {
                    decisions.count(view);
                }
                headPos = pos;
            }
            if (prev == null) {
                prev = prevScratch;
            }
            System.arraycopy(b, hashAt, prev, 0, 32);
        }
        metrics.stored.add(stored);
        long durableMicros = nowMicros();
        for (int i = 0; i < stored; i++) {
            metrics.latencyMicros(durableMicros - recordTimes[i]);
        }
        if (stored > 0) {
            metrics.lag(bd.agent, durableMicros - lastTime);
        }
        // acknowledged once per round of polling (see doWork), not once per batch
        bd.ackPosition = headPos;
        bd.ackRewind |= rewind;
        if (!bd.ackDue) {
            bd.ackDue = true;
            acksDue.add(bd);
        }
    }

    /** Sends the acknowledgements the last round of batches earned: one per instance. */
    private int sendAcks() {
        int n = acksDue.size();
        for (int i = 0; i < n; i++) {
            Bindings.Binding bd = acksDue.get(i);
            out.start(Frames.ACK).str(bd.instance).i64(bd.helloTime).i64(bd.ackPosition).u8(bd.ackRewind ? 1 : 0);
            bd.macer.sign(out);
            send(bd, out);
            bd.ackDue = false;
            bd.ackRewind = false;
        }
        acksDue.clear();
        return n;
    }

    /** The wall clock in microseconds (the agent stamps records with the same clock). */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static boolean isZero(byte[] b, int at) {
        for (int i = 0; i < 32; i++) {
            if (b[at + i] != 0) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- approvals

    private void onApprovalRequest(byte[] b, int len) {
        in.wrap(b, 0, len).skip(Frames.HEADER);
        String instance = in.str();
        long helloTime = in.i64();
        long counter = in.i64();
        String id = in.str();
        String agent = in.str();
        String session = in.str();
        String principal = in.str();
        String summary = in.str();
        String digest = in.str();
        long timeout = in.i64();
        in.trailer(Frames.MAC);
        Bindings.Binding bd = instance == null ? null : bindings.get(instance);
        if (bd == null || id == null || timeout <= 0) {
            drop("unknown-instance", instance, "approval request from an unknown instance");
            return;
        }
        deriveKey(bd);
        if (!bd.macer.verify(b, 0, len)) {
            drop("forged", instance, "approval request MAC does not verify");
            return;
        }
        if (helloTime != bd.helloTime) {
            drop("replayed", instance, "approval request from another session");
            return;
        }
        long now = System.currentTimeMillis();
        ApprovalRegistry.Pending p = new ApprovalRegistry.Pending(id, agent == null ? bd.agent : agent, instance, session, principal,
                summary, digest, now, now + Math.min(timeout, 24L * 3600 * 1000));
        ApprovalRegistry.Pending existing = approvals.get(id);
        if (existing == null) {
            if (!approvals.register(p)) {
                drop("forged", instance, "approval id " + id + " belongs to another instance");
                return;
            }
            EvidenceRecord r = ownEvent("approval-requested");
            r.approvalId = id;
            r.attributes.put("subject_agent", String.valueOf(p.agent()));
            r.attributes.put("subject_instance", instance);
            r.session = session;
            r.principal = principal;
            // the summary the approver reads may show a tool's arguments: it stays in the pending list and
            // never reaches the trail, which names the action by its digest (the agent's decision record,
            // with the same approval id, has the redacted target)
            r.argsDigest = digest;
            appendOwn(r);
        }
        out.start(Frames.APPROVAL_RECEIVED).str(instance).str(id);
        bd.macer.sign(out);
        send(bd, out);
    }

    private void sendDecision(ApprovalRegistry.Pending p, byte decision, String approver, long atMillis) {
        EvidenceRecord r = ownEvent(decision == Frames.EXPIRED ? "approval-expired" : "approval-decided");
        r.approvalId = p.id();
        r.approver = approver;
        r.approvalDecision = decision == Frames.APPROVED ? "approved" : decision == Frames.DENIED ? "denied" : "timeout";
        r.approvalWaitedMs = Math.max(0, atMillis - p.requestedAtMillis());
        r.attributes.put("subject_agent", String.valueOf(p.agent()));
        r.attributes.put("subject_instance", p.instance());
        r.session = p.session();
        r.principal = p.principal();
        r.argsDigest = p.actionDigest();
        appendOwn(r);
        Bindings.Binding bd = bindings.get(p.instance());
        if (bd == null) {
            return;
        }
        deriveKey(bd);
        out.start(Frames.APPROVAL_DECISION).str(p.instance()).str(p.id()).u8(decision).str(approver).i64(atMillis * 1000);
        bd.macer.sign(out);
        send(bd, out);
    }

    // ---------------------------------------------------------------- control plane

    /** The binding a HEARTBEAT or ORDER_ACK claims, when its MAC verifies and it belongs to the current session; else null (dropped). */
    private Bindings.Binding authenticated(byte[] b, int len, String instance, long helloTime, String what) {
        Bindings.Binding bd = instance == null ? null : bindings.get(instance);
        if (bd == null) {
            drop("unknown-instance", instance, what + " from an instance that never said HELLO");
            return null;
        }
        deriveKey(bd);
        if (!bd.macer.verify(b, 0, len)) {
            drop("forged", instance, what + " MAC does not verify");
            return null;
        }
        if (helloTime < bd.helloTime) {
            drop("replayed", instance, what + " from an earlier session");
            return null;
        }
        if (helloTime > bd.helloTime) {
            resync(bd, "unknown session");
            return null;
        }
        if (!bd.confirmed) {
            bd.confirmed = true;
            persist(bd);
        }
        return bd;
    }

    private void onHeartbeat(byte[] b, int len) {
        in.wrap(b, 0, len).skip(Frames.HEADER);
        String instance = in.str();
        long helloTime = in.i64();
        long counter = in.i64();
        int n = in.i32();
        if (n < 0 || n > Frames.MAX_HEARTBEAT_JSON) {
            throw new IllegalArgumentException("heartbeat of " + n + " bytes");
        }
        int jsonAt = in.position();
        in.skip(n);
        in.trailer(Frames.MAC);
        Bindings.Binding bd = authenticated(b, len, instance, helloTime, "heartbeat");
        if (bd == null) {
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(b, jsonAt, n);
        } catch (IOException e) {
            throw new IllegalArgumentException("heartbeat JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("heartbeat JSON is not an object");
        }
        if (!controlPlane.fleet.heartbeat(instance, bd.agent, bd.controlEndpoint, helloTime, counter, json, System.currentTimeMillis())) {
            drop("replayed", instance, "heartbeat " + counter + " of session " + helloTime + " was already received");
            return;
        }
        metrics.heartbeats.increment();
    }

    private void onOrderAck(byte[] b, int len) {
        in.wrap(b, 0, len).skip(Frames.HEADER);
        String instance = in.str();
        long helloTime = in.i64();
        in.i64(); // counter: acknowledgements are idempotent, a replayed one changes nothing
        long serial = in.i64();
        int orderType = in.u8();
        int status = in.u8();
        String policyVersion = in.str();
        String detail = in.str();
        in.trailer(Frames.MAC);
        if (status != Frames.ORDER_APPLIED && status != Frames.ORDER_REFUSED) {
            throw new IllegalArgumentException("order acknowledgement status " + status);
        }
        Bindings.Binding bd = authenticated(b, len, instance, helloTime, "order acknowledgement");
        if (bd == null) {
            return;
        }
        boolean applied = status == Frames.ORDER_APPLIED;
        if (!controlPlane.fleet.ack(instance, serial, applied, policyVersion, detail, System.currentTimeMillis())) {
            return;
        }
        if (applied) {
            metrics.ordersApplied.increment();
        } else {
            metrics.ordersRefused.increment();
        }
        EvidenceRecord r = ownEvent(applied ? "order-applied" : "order-refused");
        r.attributes.put("subject_agent", String.valueOf(bd.agent));
        r.attributes.put("subject_instance", instance);
        r.attributes.put("order_serial", Long.toString(serial));
        r.attributes.put("order_type", orderType == Order.POLICY ? "policy" : orderType == Order.KILL ? "kill"
                : orderType == Order.RESUME ? "resume" : Integer.toString(orderType));
        if (policyVersion != null) {
            r.policyVersion = policyVersion;
        }
        r.reason = detail;
        appendOwn(r);
    }

    /** Sends a newly issued order to every reachable instance it targets and records it. */
    private void dispatch(ControlPlane.Dispatch d, long now) {
        Order o = d.order();
        List<String> sentTo = new java.util.ArrayList<>();
        for (String instance : controlPlane.fleet.reachable(o, now)) {
            Bindings.Binding bd = bindings.get(instance);
            if (bd != null && sendOrder(bd, o, now) && controlPlane.fleet.isLive(instance, now)) {
                sentTo.add(instance); // the live ones: stale instances get it too, but nobody waits for their answer
            }
        }
        metrics.ordersIssued.increment();
        EvidenceRecord r = ownEvent("order-issued");
        r.attributes.put("order_serial", Long.toString(o.serial));
        r.attributes.put("order_type", o.typeName());
        r.attributes.put("order_target", o.target);
        if (o.tool != null) {
            r.attributes.put("order_tool", o.tool);
        }
        if (o.type == Order.POLICY) {
            r.attributes.put("content_sha256", dev.warden.rules.policy.PolicyParser.sha256(o.content()));
            dev.warden.rules.Policy p = controlPlane.book.policyOf(o);
            if (p != null) {
                r.policyName = p.name;
                r.policyVersion = p.version;
            }
            r.policySerial = o.serial;
            if (o.rollbackOf > 0) {
                r.attributes.put("rollback_of", Long.toString(o.rollbackOf));
            }
        } else {
            r.controls.add("kill-switch");
        }
        r.attributes.put("sent_to", Integer.toString(sentTo.size()));
        r.principal = o.issuer;
        r.reason = o.reason;
        appendOwn(r);
        d.sentTo().complete(sentTo);
    }

    private boolean sendOrder(Bindings.Binding bd, Order o, long now) {
        if (bd.controlEndpoint == null) {
            return false;
        }
        byte[] bytes = o.encode();
        out.start(Frames.ORDER).str(bd.instance).i32(bytes.length).bytes(bytes, 0, bytes.length);
        send(bd, out);
        controlPlane.fleet.sent(bd.instance, o.serial, now);
        return true;
    }

    private void saveFleet() {
        try {
            controlPlane.fleet.saveIfDirty();
        } catch (IOException e) {
            metrics.dropped("fleet-not-saved");
        }
    }

    // ---------------------------------------------------------------- sending

    private void resync(Bindings.Binding bd, String why) {
        out.start(Frames.RESYNC).str(bd.instance).str(why);
        send(bd, out);
    }

    private void send(Bindings.Binding bd, Frames.Out frame) {
        if (bd.controlEndpoint == null) {
            return;
        }
        Publication p = control.get(bd.controlEndpoint);
        if (p == null) {
            p = aeron.addPublication("aeron:udp?endpoint=" + bd.controlEndpoint + "|term-length=65536", Frames.CONTROL_STREAM);
            control.put(bd.controlEndpoint, p);
        }
        sendBuffer.wrap(frame.buffer(), 0, frame.length());
        // behind frames still waiting for the same publication, so an instance receives its frames in order
        long r = queuedFor(p) ? -1 : p.offer(sendBuffer, 0, frame.length());
        if (r < 0) {
            if (unsent.size() < 10_000) {
                unsent.add(new Object[] {p, Arrays.copyOf(frame.buffer(), frame.length()), System.currentTimeMillis()});
            } else {
                metrics.dropped("control-not-sent");
            }
        }
    }

    private boolean queuedFor(Publication p) {
        if (unsent.isEmpty()) {
            return false;
        }
        for (Object[] u : unsent) {
            if (u[0] == p) {
                return true;
            }
        }
        return false;
    }

    /** Retries control frames for up to two seconds (then the agent's own retry takes over). */
    private int retryUnsent(long nowMillis) {
        int n = unsent.size();
        int work = 0;
        java.util.Set<Publication> blocked = null; // once a frame waits, later frames to the same publication wait behind it
        for (int i = 0; i < n; i++) {
            Object[] u = unsent.poll();
            Publication p = (Publication) u[0];
            byte[] bytes = (byte[]) u[1];
            sendBuffer.wrap(bytes);
            if ((blocked == null || !blocked.contains(p)) && p.offer(sendBuffer, 0, bytes.length) > 0) {
                work++;
            } else if (nowMillis - (long) u[2] < 2_000 && !p.isClosed()) {
                unsent.add(u);
                if (blocked == null) {
                    blocked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                }
                blocked.add(p);
            } else {
                metrics.dropped("control-not-sent");
            }
        }
        return work;
    }

    // ---------------------------------------------------------------- integrity events

    private void drop(String reason, String instance, String detail) {
        metrics.dropped(reason);
        event(reason, instance, detail, 0);
    }

    /** Records an integrity event: at once when {@code immediate}, else aggregated per kind and window. */
    private void event(String kind, String instance, String detail, int immediate) {
        metrics.integrity(kind);
        if (immediate == 1) {
            writeIntegrity(kind, instance, detail, 1);
            return;
        }
        String key = kind + "\u0000" + (instance == null ? "" : instance);
        long[] c = pendingEvents.computeIfAbsent(key, k -> new long[1]);
        if (c[0]++ == 0) {
            pendingEventDetail.put(key, detail);
        }
    }

    private void flushEvents() {
        if (pendingEvents.isEmpty()) {
            return;
        }
        for (Map.Entry<String, long[]> e : pendingEvents.entrySet()) {
            String[] k = e.getKey().split("\u0000", -1);
            writeIntegrity(k[0], k[1].isEmpty() ? null : k[1], pendingEventDetail.get(e.getKey()), e.getValue()[0]);
        }
        pendingEvents.clear();
        pendingEventDetail.clear();
    }

    private void writeIntegrity(String kind, String instance, String detail, long count) {
        EvidenceRecord r = ownEvent("integrity-" + kind);
        if (instance != null) {
            r.attributes.put("subject_instance", instance);
        }
        r.attributes.put("count", Long.toString(count));
        r.reason = detail;
        appendOwn(r);
    }

    private EvidenceRecord ownEvent(String event) {
        EvidenceRecord r = new EvidenceRecord();
        r.type = EvidenceRecord.Type.EVENT;
        r.instance = collectorInstance;
        r.agent = "warden-collector";
        r.seq = ownPosition + 1;
        r.timeMicros = System.currentTimeMillis() * 1000;
        r.event = event;
        return r;
    }

    private void appendOwn(EvidenceRecord r) {
        byte[] h = hasher.hash(ownHash, r);
        byte[] bytes = EvidenceCodec.encode(r);
        try {
            store.appendRecord(collectorInstance, ownPosition + 1, 0, h, null, bytes, 0, bytes.length);
        } catch (RuntimeException e) {
            // the collector's own event cannot be stored (disk full): it is lost, and said so once
            storeFailed(e, System.currentTimeMillis());
            metrics.dropped("own-event-not-stored");
            return;
        }
        storeWritten();
        ownPosition++;
        ownHash = h;
    }

    /** The store could not be written: one line per episode, and batches wait a second before the next try. */
    private void storeFailed(RuntimeException e, long nowMillis) {
        storeRetryAtMillis = nowMillis + STORE_RETRY_MILLIS;
        if (storeProblem == null) {
            String what = describe(e);
            boolean full = what.contains("No space left") || what.contains("File too large") || what.contains("Disk quota");
            storeProblem = what;
            log.println("warden collector: the store " + store.directory().toAbsolutePath() + " cannot be written (" + what
                    + (full ? ": the disk is full or a file-size limit is reached" : "")
                    + "); records are not acknowledged, agents keep them and send them again; storing resumes by itself when space is back");
        }
    }

    /** A store write succeeded: ends a store problem episode, with one line. */
    private void storeWritten() {
        if (storeProblem != null) {
            storeProblem = null;
            log.println("warden collector: the store " + store.directory().toAbsolutePath() + " is written again");
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Writes pending aggregated events (on shutdown). */
    void flush() {
        flushEvents();
    }

    /** Records a housekeeping event of the collector's own (retention, start, stop). */
    void recordEvent(String event, Map<String, String> attributes, String reason) {
        EvidenceRecord r = ownEvent(event);
        r.attributes.putAll(attributes);
        r.reason = reason;
        appendOwn(r);
    }

    List<String> sourcesSeen() {
        return List.copyOf(sources.values());
    }

    @Override
    public void close() {
        flushEvents();
        saveFleet();
        for (Publication p : control.values()) {
            p.close();
        }
        sub.close();
    }
}
