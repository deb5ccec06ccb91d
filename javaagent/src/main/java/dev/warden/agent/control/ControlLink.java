package dev.warden.agent.control;

import dev.warden.agent.instrument.Hook;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.ship.Control;
import dev.warden.rules.KillSwitch;
import dev.warden.rules.Policy;
import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.wire.Frames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent's end of the control plane, as the shipper sees it ({@link Control}): an order is
 * handed to {@link HeldOrders} and its outcome becomes the ORDER_ACK; a heartbeat describes this
 * instance (Frames' HEARTBEAT JSON plus {@code interval_ms}): who and where it is, the hooks
 * installed and the libraries they apply to, the policy and kill orders in force, the evidence
 * backlog, and the capabilities exercised since the previous heartbeat.
 *
 * <p>Called on the shipper thread only (after construction).
 */
public final class ControlLink implements Control {
    /** Capabilities per heartbeat at most; the rest follow in the next one. */
    static final int MAX_CAPABILITIES = 200;
    private static final int MAX_STRING = 200;
    /** Leaves room under Frames.MAX_HEARTBEAT_JSON for the closing fields. */
    private static final int CAPABILITY_BUDGET = Frames.MAX_HEARTBEAT_JSON - 4 * 1024;

    private final String agent;
    private final String instance;
    private final long startedMillis;
    private final long heartbeatMillis;
    private final HeldOrders orders;
    private final Governor governor;
    private final Libraries libraries;
    private final List<String> hooks;
    /** Resolved on the first heartbeat (a name lookup must not delay the application's start). */
    private String host;
    private final List<Capabilities.Entry> sent = new ArrayList<>();

    public ControlLink(String agent, String instance, long heartbeatMillis, HeldOrders orders, Governor governor,
                       Libraries libraries, List<Hook> hooks) {
        this.agent = agent;
        this.instance = instance;
        this.startedMillis = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        this.heartbeatMillis = heartbeatMillis;
        this.orders = orders;
        this.governor = governor;
        this.libraries = libraries;
        Set<String> h = new LinkedHashSet<>();
        for (Hook k : hooks) {
            h.add(k.family + "/" + k.library);
        }
        this.hooks = List.copyOf(h);
    }

    @Override
    public Ack order(byte[] b, int off, int len) {
        HeldOrders.Outcome o = orders.receive(b, off, len);
        return new Ack(o.serial(), o.type(), o.applied() ? Frames.ORDER_APPLIED : Frames.ORDER_REFUSED, o.policyVersion(), o.detail());
    }

    @Override
    public void warmUp() {
        orders.warmUp();
    }

    @Override
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    @Override
    public void heartbeatLost() {
        for (Capabilities.Entry e : sent) {
            e.changed = true;
        }
        sent.clear();
    }

    @Override
    public String heartbeat(boolean fresh, long backlog) {
        Capabilities caps = governor.capabilities;
        if (host == null) {
            host = hostName();
        }
        if (fresh) {
            caps.markAllChanged(); // a new WELCOME: the collector may know nothing of this instance
        }
        StringBuilder sb = new StringBuilder(2048);
        sb.append('{');
        str(sb, "agent", agent).append(',');
        str(sb, "instance", instance).append(',');
        str(sb, "host", host).append(',');
        sb.append("\"pid\":").append(ProcessHandle.current().pid()).append(',');
        str(sb, "jdk", Runtime.version().toString()).append(',');
        sb.append("\"started\":").append(startedMillis).append(',');
        sb.append("\"interval_ms\":").append(heartbeatMillis).append(',');
        Policy p = governor.policy();
        str(sb, "mode", p.mode.label).append(',');
        sb.append("\"hooks\":[");
        for (int i = 0; i < hooks.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            EvidenceJson.quote(sb, hooks.get(i));
        }
        sb.append("],\"libraries\":[");
        List<Libraries.Library> libs = libraries.list();
        for (int i = 0; i < libs.size(); i++) {
            Libraries.Library l = libs.get(i);
            sb.append(i > 0 ? ",{" : "{");
            str(sb, "name", l.name()).append(',');
            str(sb, "family", l.family()).append(',');
            str(sb, "version", l.version());
            if (l.jar() != null) {
                sb.append(',');
                str(sb, "jar", l.jar());
            }
            sb.append('}');
        }
        sb.append("],\"policy\":{");
        str(sb, "name", p.name).append(',');
        str(sb, "version", p.version).append(',');
        sb.append("\"serial\":").append(p.serial).append(',');
        str(sb, "source", p.serial > 0 ? "push" : "file").append("},\"kill\":[");
        List<KillSwitch.Order> kills = governor.evaluator().killSwitch().orders();
        for (int i = 0; i < kills.size(); i++) {
            KillSwitch.Order k = kills.get(i);
            sb.append(i > 0 ? ",{" : "{");
            sb.append("\"serial\":").append(k.serial).append(',');
            str(sb, "tool", k.tool).append(',');
            str(sb, "issuer", k.issuer).append(',');
            str(sb, "reason", k.reason).append('}');
        }
        sb.append("],\"backlog\":").append(backlog);
        sb.append(",\"capabilities_tracked\":").append(caps.size());
        sb.append(",\"capabilities_overflow\":").append(caps.overflow());
        sb.append(",\"capabilities\":[");
        sent.clear();
        int[] n = {0};
        caps.drain(false, MAX_CAPABILITIES, e -> {
            if (sb.length() > CAPABILITY_BUDGET) {
                e.changed = true; // no room left: it goes in the next heartbeat
                return;
            }
            sent.add(e);
            sb.append(n[0]++ > 0 ? ",{" : "{");
            str(sb, "kind", e.kind.label).append(',');
            switch (e.kind) {
                case TOOL -> str(sb, "tool", e.a);
                case HTTP -> {
                    str(sb, "host", e.a).append(',');
                    str(sb, "method", e.b);
                }
                case PROCESS -> str(sb, "command", e.a);
                default -> {
                    str(sb, "database", e.a).append(',');
                    str(sb, "table", e.b).append(',');
                    str(sb, "operation", e.c);
                }
            }
            sb.append(",\"first\":").append(e.first).append(",\"last\":").append(e.last())
                    .append(",\"count\":").append(e.count()).append(",\"denied\":").append(e.denied()).append('}');
        });
        sb.append("]}");
        return sb.toString();
    }

    private static StringBuilder str(StringBuilder sb, String key, String value) {
        EvidenceJson.quote(sb, key);
        sb.append(':');
        if (value == null) {
            return sb.append("null");
        }
        EvidenceJson.quote(sb, value.length() > MAX_STRING ? value.substring(0, MAX_STRING) + "…" : value);
        return sb;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown" : h;
        }
    }
}
