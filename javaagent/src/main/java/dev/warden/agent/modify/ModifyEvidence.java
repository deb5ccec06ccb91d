package dev.warden.agent.modify;

import dev.warden.agent.evidence.KeyedDigest;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Modify;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.Map;

/**
 * What the decision record of a modified call says (policy language 1.1): {@code modified} lists
 * each field a modify rule changed, in policy order, with header values as sent
 * ({@code ${agent}}, {@code ${session}}, {@code ${principal}} filled in); {@code digestBefore}
 * and {@code digestAfter} are HMAC digests (the evidence key that digests arguments) of the
 * request as Warden describes it, before and after the change: kind, method, URL (host replaced
 * by a redirect), SQL statement with its row cap, tool arguments (edited by
 * {@link Modify#applyToArgs}), and the header edits. Equal requests give equal digests, so an
 * auditor holding the request can check both without the evidence carrying its content.
 *
 * <p>Runs on the deciding thread, only for MODIFY decisions (not on the allocation-free path).
 */
public final class ModifyEvidence {
    private ModifyEvidence() {
    }

    public static void record(EvidenceRecord r, Action a, Decision d, KeyedDigest digest) {
        int n = d.modifyCount();
        String url = a.url();
        String args = a.args();
        long maxRows = -1;
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Modify m = d.modify(i);
            for (String f : m.fields()) {
                r.modified.add(f.startsWith("header ") && f.contains(": set ") ? f.substring(0, f.indexOf(": set ") + 6)
                        + Modify.expand(f.substring(f.indexOf(": set ") + 6), a) : f);
            }
            for (Map.Entry<String, String> h : m.setHeaders.entrySet()) {
                headers.append("set ").append(h.getKey()).append(": ").append(Modify.expand(h.getValue(), a)).append('\n');
            }
            for (String h : m.removeHeaders) {
                headers.append("remove ").append(h).append('\n');
            }
            if (m.redirectHost != null && url != null && a.host() != null) {
                int at = url.indexOf("://");
                if (at >= 0 && url.startsWith(a.host(), at + 3)) {
                    url = url.substring(0, at + 3) + m.redirectHost + url.substring(at + 3 + a.host().length());
                }
            }
            if (m.maxRows >= 0) {
                maxRows = maxRows < 0 ? m.maxRows : Math.min(maxRows, m.maxRows);
            }
            args = m.applyToArgs(args);
        }
        if (digest == null) {
            return;
        }
        String kind = a.kind() == null ? null : a.kind().name();
        r.digestBefore = digest.digest(new String[] {kind, a.method(), a.url(), a.statement(), a.args(), ""}, 6);
        r.digestAfter = digest.digest(new String[] {kind, a.method(), url,
                a.statement() == null ? null : a.statement() + (maxRows >= 0 ? "\nmax_rows " + maxRows : ""), args, headers.toString()}, 6);
    }
}
