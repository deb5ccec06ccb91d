package dev.warden.rules.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * One evidence record (DESIGN.md, "Evidence"): a {@code decision} for every evaluation, an
 * {@code outcome} with the same id when a call that went ahead completes, and {@code event}s for
 * what else an auditor must see (a policy loaded or refused, a session evicted, an integrity
 * problem, a kill order).
 *
 * <p>A plain mutable holder shared by the agent (which reuses one per thread), the collector and
 * the CLI; {@link EvidenceCodec} turns it into bytes and back, {@link EvidenceJson} into the
 * canonical JSON that exports show and hashes cover. Not thread-safe.
 */
public final class EvidenceRecord {
    public enum Type {
        DECISION("decision"), OUTCOME("outcome"), EVENT("event");

        public final String label;

        Type(String label) {
            this.label = label;
        }
    }

    public Type type = Type.DECISION;
    public String instance;
    public long seq;
    /** Epoch microseconds. */
    public long timeMicros;
    public String agent;
    public String session;
    public String sessionSource;
    public String parent;
    public String principal;
    public String kind;
    public String target;
    /** Insertion-ordered, like the {@code LinkedHashMap} it replaced; refilled without allocating. */
    public final Attributes attributes = new Attributes();
    public String argsDigest;
    public String decision;
    public String wouldDecide;
    public final List<String> rules = new ArrayList<>();
    public String reason;
    public String mode;
    public String policyName;
    public String policyVersion;
    public long policySerial;
    public final List<String> controls = new ArrayList<>();
    // approval (escalations)
    public String approvalId;
    public String approver;
    public String approvalDecision;
    public long approvalWaitedMs = -1;
    // outcome
    public String outcomeStatus;
    public long outcomeDurationUs = -1;
    public String outcomeDetail;
    /** For events: what happened ({@code policy-loaded}, {@code session-evicted}, ...). */
    public String event;
    // modification (language 1.1)
    public final List<String> modified = new ArrayList<>();
    public String digestBefore;
    public String digestAfter;
    // integrity
    public String prevHash;
    public String hash;

    public EvidenceRecord clear() {
        type = Type.DECISION;
        instance = null;
        seq = 0;
        timeMicros = 0;
        agent = session = sessionSource = parent = principal = kind = target = null;
        attributes.clear();
        argsDigest = decision = wouldDecide = reason = mode = policyName = policyVersion = null;
        rules.clear();
        policySerial = 0;
        controls.clear();
        approvalId = approver = approvalDecision = null;
        approvalWaitedMs = -1;
        outcomeStatus = null;
        outcomeDurationUs = -1;
        outcomeDetail = null;
        event = null;
        modified.clear();
        digestBefore = digestAfter = null;
        prevHash = hash = null;
        return this;
    }

    /** {@code <instance>-<seq>}: the decision and its outcome share it. */
    public String id() {
        return instance + "-" + seq;
    }

    public EvidenceRecord copy() {
        EvidenceRecord r = new EvidenceRecord();
        r.type = type;
        r.instance = instance;
        r.seq = seq;
        r.timeMicros = timeMicros;
        r.agent = agent;
        r.session = session;
        r.sessionSource = sessionSource;
        r.parent = parent;
        r.principal = principal;
        r.kind = kind;
        r.target = target;
        r.attributes.putAll(attributes);
        r.argsDigest = argsDigest;
        r.decision = decision;
        r.wouldDecide = wouldDecide;
        r.rules.addAll(rules);
        r.reason = reason;
        r.mode = mode;
        r.policyName = policyName;
        r.policyVersion = policyVersion;
        r.policySerial = policySerial;
        r.controls.addAll(controls);
        r.approvalId = approvalId;
        r.approver = approver;
        r.approvalDecision = approvalDecision;
        r.approvalWaitedMs = approvalWaitedMs;
        r.outcomeStatus = outcomeStatus;
        r.outcomeDurationUs = outcomeDurationUs;
        r.outcomeDetail = outcomeDetail;
        r.event = event;
        r.modified.addAll(modified);
        r.digestBefore = digestBefore;
        r.digestAfter = digestAfter;
        r.prevHash = prevHash;
        r.hash = hash;
        return r;
    }

    @Override
    public String toString() {
        return EvidenceJson.toJson(this);
    }
}
