package dev.warden.agent.runtime;

import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;

/**
 * Everything one thread reuses to govern a call: its {@link Action},
 * {@link Decision}, {@link EvidenceRecord} and encoder, its evidence appender, re-entrancy depth
 * per family (so one user-level call is one evaluation even when a pool wraps a driver that calls
 * itself), and the thread's current session and tool context.
 *
 * <p>Reached through one {@code ThreadLocal} per hook call; confined to its thread.
 */
public final class ThreadState {
    public final Action action = new Action();
    public final Decision decision = new Decision();
    public final EvidenceRecord record = new EvidenceRecord();
    /** Outcomes and events use their own record: one can be written while {@link #record} is being filled. */
    final EvidenceRecord outcomeRecord = new EvidenceRecord();
    public final EvidenceCodec.Writer writer = new EvidenceCodec.Writer(1024);
    /** Scratch text for targets and URLs. */
    public final StringBuilder text = new StringBuilder(256);
    private String[] strings = new String[8];
    /** Slots a hook family keeps per-thread caches in (see {@link #scratch(int)}). */
    public static final int SCRATCH_HTTP = 0;
    public static final int SCRATCH_SQL = 1;
    public static final int SCRATCH_TOOL = 2;
    private final Object[] scratch = new Object[3];

    EvidenceLog.Appender appender;
    EvidenceLog appenderLog;
    private dev.warden.agent.evidence.KeyedDigest digest;

    final int[] depth = new int[Family.values().length];
    private final Call[] pool = new Call[Family.values().length];

    /** The innermost call of this thread that reserved budget and is still in progress (its nested calls report to it), or null. */
    Call budgeted;

    /** Warden's own threads: never governed. */
    public boolean internal;

    // the thread's context (issue 4 sets session and parent at framework entry points)
    public String session;
    public String sessionSource;
    public String parent;
    /** The innermost framework tool call governed on this thread (owned by {@code dev.warden.agent.tool}), or null. */
    public Object toolCall;
    /** The principal this thread carries: the header of the request it serves, or its task's or its own start's submitter's (owned by {@code dev.warden.agent.principal}), or null. */
    public String principal;
    /** Executor submissions in progress on this thread (owned by {@code dev.warden.agent.session}). */
    public int submitting;
    final String threadSession;

    ThreadState(Thread t) {
        threadSession = "thread:" + t.getName() + "#" + t.getId();
    }

    /** Raises the family guard around Warden's own calls into application code (e.g. a driver's metadata). */
    public void enter(Family f) {
        depth[f.ordinal()]++;
    }

    public void leave(Family f) {
        depth[f.ordinal()]--;
    }

    /** True while a governed call of this family is in progress on this thread. */
    public boolean inside(Family f) {
        return depth[f.ordinal()] > 0;
    }

    /** The session an action of this thread belongs to (the thread's own when no framework set one). */
    public String session() {
        return session != null ? session : threadSession;
    }

    public String sessionSource() {
        return session != null ? sessionSource : "thread";
    }

    public CallContext context() {
        return new CallContext(session(), sessionSource(), parent);
    }

    /** Grows the string scratch array to hold at least {@code n}. */
    public String[] strings(int n) {
        if (strings.length < n) {
            strings = new String[Math.max(n, strings.length * 2)];
        }
        return strings;
    }

    /** A family's per-thread cache object, or null before it made one. */
    public Object scratch(int slot) {
        return scratch[slot];
    }

    public void scratch(int slot, Object value) {
        scratch[slot] = value;
    }

    /** This thread's keyed digest for {@code key} (created on first use, and again if the key changes). */
    public dev.warden.agent.evidence.KeyedDigest digest(dev.warden.agent.evidence.EvidenceKey key) {
        dev.warden.agent.evidence.KeyedDigest d = digest;
        if (d == null || d.key() != key) {
            digest = d = new dev.warden.agent.evidence.KeyedDigest(key);
        }
        return d;
    }

    Call pooledCall(Family f) {
        Call c = pool[f.ordinal()];
        if (c == null || c.active) {
            c = new Call(f, c == null);
            if (c.pooled) {
                pool[f.ordinal()] = c;
            }
        }
        return c;
    }
}
