package dev.warden.rules.evidence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of an evidence record (DESIGN.md, "Evidence"), in a fixed key order with absent
 * fields left out. The same text, without {@code prev_hash} and {@code hash}, is what the hash
 * chain covers ({@link #canonical}), so the agent, the collector and {@code audit verify} agree
 * byte for byte.
 */
public final class EvidenceJson {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private EvidenceJson() {
    }

    public static String toJson(EvidenceRecord r) {
        StringBuilder sb = new StringBuilder(512);
        write(r, sb, true);
        return sb.toString();
    }

    /** The text the hash chain covers: the record without its own hash fields. */
    public static String canonical(EvidenceRecord r) {
        StringBuilder sb = new StringBuilder(512);
        write(r, sb, false);
        return sb.toString();
    }

    /** {@code sha256(prevHash + "\n" + canonical(r))} in hex; prevHash may be null for the first record. */
    public static String chainHash(String prevHash, EvidenceRecord r) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (prevHash != null) {
                md.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            }
            md.update((byte) '\n');
            md.update(canonical(r).getBytes(StandardCharsets.UTF_8));
            return hex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(d.length * 2);
        for (byte b : d) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    public static String formatTime(long micros) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L));
    }

    static void write(EvidenceRecord r, StringBuilder sb, boolean withHashes) {
        sb.append('{');
        Fields f = new Fields(sb);
        f.str("id", r.instance == null ? null : r.id());
        f.str("type", r.type.label);
        f.str("time", formatTime(r.timeMicros));
        f.str("agent", r.agent);
        f.str("instance", r.instance);
        f.str("session", r.session);
        f.str("session_source", r.sessionSource);
        f.num("seq", r.seq);
        f.str("kind", r.kind);
        f.str("target", r.target);
        f.str("parent", r.parent);
        f.str("principal", r.principal);
        if (!r.attributes.isEmpty()) {
            f.key("attributes");
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : r.attributes.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, e.getKey());
                sb.append(':');
                quote(sb, e.getValue());
            }
            sb.append('}');
        }
        f.str("args_digest", r.argsDigest);
        f.str("event", r.event);
        f.str("decision", r.decision);
        f.str("would_decide", r.wouldDecide);
        f.list("rules", r.rules);
        f.str("reason", r.reason);
        f.str("mode", r.mode);
        if (r.policyName != null || r.policyVersion != null) {
            f.key("policy");
            sb.append('{');
            Fields p = new Fields(sb);
            p.str("name", r.policyName);
            p.str("version", r.policyVersion);
            if (r.policySerial != 0) {
                p.num("serial", r.policySerial);
            }
            sb.append('}');
        }
        f.list("controls", r.controls);
        if (r.approvalId != null || r.approvalDecision != null) {
            f.key("approval");
            sb.append('{');
            Fields a = new Fields(sb);
            a.str("id", r.approvalId);
            a.str("approver", r.approver);
            a.str("decision", r.approvalDecision);
            if (r.approvalWaitedMs >= 0) {
                a.num("waited_ms", r.approvalWaitedMs);
            }
            sb.append('}');
        }
        if (r.outcomeStatus != null) {
            f.key("outcome");
            sb.append('{');
            Fields o = new Fields(sb);
            o.str("status", r.outcomeStatus);
            if (r.outcomeDurationUs >= 0) {
                o.num("duration_us", r.outcomeDurationUs);
            }
            o.str("detail", r.outcomeDetail);
            sb.append('}');
        }
        if (!r.modified.isEmpty()) {
            f.key("modification");
            sb.append('{');
            Fields m = new Fields(sb);
            m.list("fields", r.modified);
            m.str("digest_before", r.digestBefore);
            m.str("digest_after", r.digestAfter);
            sb.append('}');
        }
        if (withHashes) {
            f.str("prev_hash", r.prevHash);
            f.str("hash", r.hash);
        }
        sb.append('}');
    }

    private static final class Fields {
        private final StringBuilder sb;
        private boolean first = true;

        Fields(StringBuilder sb) {
            this.sb = sb;
        }

        void key(String k) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, k);
            sb.append(':');
        }

        void str(String k, String v) {
            if (v != null) {
                key(k);
                quote(sb, v);
            }
        }

        void num(String k, long v) {
            key(k);
            sb.append(v);
        }

        void list(String k, List<String> v) {
            if (v.isEmpty()) {
                return;
            }
            key(k);
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                quote(sb, v.get(i));
            }
            sb.append(']');
        }
    }

    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
