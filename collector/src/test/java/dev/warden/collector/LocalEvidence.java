package dev.warden.collector;

import dev.warden.agent.ship.LocalQueue;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A stand-in for the agent's evidence writer in tests: the same layout
 * ({@code DIR/<agent>/<instance>/}, one Chronicle excerpt = the EvidenceCodec bytes of one
 * record, seq from 1, no hashes). One thread.
 */
final class LocalEvidence implements AutoCloseable {
    final String agent;
    final String instance;
    final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final EvidenceCodec.Writer w = new EvidenceCodec.Writer(1024);
    private final EvidenceRecord r = new EvidenceRecord();
    private long seq;

    LocalEvidence(Path evidenceDir, String agent, String instance) {
        LocalQueue.quietChronicle();
        this.agent = agent;
        this.instance = instance;
        this.dir = evidenceDir.resolve(agent).resolve(instance);
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).build();
        this.appender = queue.createAppender();
    }

    long seq() {
        return seq;
    }

    /** Appends a decision and (when allowed) its outcome; returns the decision's seq. */
    long decision(String decision, String target) {
        long s = ++seq;
        fill(s, decision, target);
        write(r);
        if (!"deny".equals(decision)) {
            r.type = EvidenceRecord.Type.OUTCOME;
            r.outcomeStatus = "ok";
            r.outcomeDurationUs = 87;
            r.outcomeDetail = "HTTP 201";
            write(r);
        }
        return s;
    }

    /** Appends one decision record only. */
    long decisionOnly(String decision, String target) {
        long s = ++seq;
        fill(s, decision, target);
        write(r);
        return s;
    }

    void write(EvidenceRecord rec) {
        w.reset();
        EvidenceCodec.encode(rec, w);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(w.buffer(), 0, w.length());
        }
    }

    private void fill(long s, String decision, String target) {
        r.clear();
        r.type = EvidenceRecord.Type.DECISION;
        r.instance = instance;
        r.seq = s;
        r.timeMicros = System.currentTimeMillis() * 1000;
        r.agent = agent;
        r.session = "s-" + (s % 7);
        r.sessionSource = "thread";
        r.kind = "http";
        r.target = target;
        r.attributes.put("method", "POST");
        r.attributes.put("host", "payments.internal.example");
        r.attributes.put("port", "443");
        r.decision = decision;
        r.rules.add("egress-allowlist");
        r.reason = "host not in the allowlist";
        r.mode = "enforce";
        r.policyName = "refund-agent-baseline";
        r.policyVersion = "sha256:abc";
        r.controls.add("EU-AI-Act:Art.14");
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
    }
}
