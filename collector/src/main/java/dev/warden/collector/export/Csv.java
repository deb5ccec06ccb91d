package dev.warden.collector.export;

import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.EvidenceRecord;

/**
 * One evidence record as a CSV row (RFC 4180 quoting) for spreadsheets. A cell that a
 * spreadsheet would run as a formula ({@code = + - @} first) is prefixed with {@code '}.
 *
 * <p>Stateless; any thread.
 */
public final class Csv {
    private static final String[] HEADER = {"id", "time", "type", "agent", "instance", "session", "seq", "kind", "target",
        "decision", "would_decide", "rules", "reason", "mode", "policy_name", "policy_version", "controls",
        "approval_id", "approver", "approval_decision", "approval_waited_ms", "outcome_status", "outcome_duration_us",
        "outcome_detail", "event", "args_digest", "prev_hash", "hash"};

    private Csv() {
    }

    public static String header() {
        return String.join(",", HEADER);
    }

    public static String row(EvidenceRecord r) {
        StringBuilder sb = new StringBuilder(256);
        Object[] cells = {r.instance == null ? null : r.id(), EvidenceJson.formatTime(r.timeMicros), r.type.label, r.agent, r.instance,
            r.session, r.seq, r.kind, r.target, r.decision, r.wouldDecide, String.join(";", r.rules), r.reason, r.mode,
            r.policyName, r.policyVersion, String.join(";", r.controls), r.approvalId, r.approver, r.approvalDecision,
            r.approvalWaitedMs >= 0 ? r.approvalWaitedMs : null, r.outcomeStatus,
            r.outcomeDurationUs >= 0 ? r.outcomeDurationUs : null, r.outcomeDetail, r.event, r.argsDigest, r.prevHash, r.hash};
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            cell(sb, cells[i] == null ? "" : cells[i].toString());
        }
        return sb.toString();
    }

    static void cell(StringBuilder sb, String v) {
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?\\d+")) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            sb.append('"').append(v.replace("\"", "\"\"")).append('"');
        } else {
            sb.append(v);
        }
    }
}
