package dev.warden.agent.runtime;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.agent.approval.Escalation;
import dev.warden.agent.bootstrap.BlockedIOException;
import dev.warden.agent.bootstrap.Dispatcher;
import dev.warden.agent.control.Capabilities;
import dev.warden.agent.evidence.EvidenceException;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.http.HttpCalls;
import dev.warden.agent.jdbc.BlockedSQLException;
import dev.warden.agent.jdbc.SqlCalls;
import dev.warden.agent.modify.ModifyEvidence;
import dev.warden.agent.principal.PrincipalSource;
import dev.warden.agent.process.ProcessCalls;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Policy;
import dev.warden.rules.Rule;
import dev.warden.rules.Verdict;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.List;

/**
 * Warden's runtime behind the {@link dev.warden.agent.bootstrap.Bridge}: for every intercepted
 * call it builds the action (through the family's {@code HttpCalls}, {@code SqlCalls},
 * {@code ProcessCalls}), evaluates the policy, settles escalations with the
 * {@link ApprovalGate}, appends the {@code decision} record, and either returns the block
 * exception the call site throws or a {@link Call} token whose exit appends the {@code outcome}.
 *
 * <p>Hot path: one {@code ThreadLocal} lookup, then per-thread reusable objects (action,
 * decision, record, encoder); evaluation is lock-free and allocation-free; the evidence append is
 * a copy into a memory-mapped ring. What it allocates is the record's text (target, URL, attribute
 * values and the attribute map's entries: about 300 bytes per SQL call and 550 per HTTP call, see
 * {@code benchmarks/RESULTS.md}). Any number of application threads at once.
 *
 * <p>When Warden itself fails (evaluation throws, evidence cannot be written),
 * {@code failure=closed} blocks the call and {@code failure=open} lets it go ahead; both say why
 * in the evidence when it can be written and once on stderr.
 */
public final class Governor implements Dispatcher {
    private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(() -> new ThreadState(Thread.currentThread()));

    private final String agent;
    private final Evaluator evaluator;
    private final EvidenceLog log;
    private final String evidenceProblem;
    private final EvidenceKey key;
    private final ApprovalGate approvals;
    private final boolean failClosed;
    private final boolean monitorOnly;

    public final HttpCalls http;
    public final SqlCalls sql;
    public final ProcessCalls process;
    /** What this instance has exercised (tool, host+method, table+operation, command), for heartbeats. */
    public final Capabilities capabilities = new Capabilities();

    /**
     * @param log the evidence log, or null when it could not be opened ({@code evidenceProblem} says why)
     * @param monitorOnly {@code mode=monitor}: every installed policy is downgraded to monitor
     */
    public Governor(String agent, Policy policy, EvidenceLog log, String evidenceProblem, EvidenceKey key,
                    ApprovalGate approvals, boolean failClosed, boolean monitorOnly) {
        this.agent = agent;
        this.monitorOnly = monitorOnly;
        this.evaluator = new Evaluator(downgrade(policy));
        this.log = log;
        this.evidenceProblem = evidenceProblem;
        this.key = key;
        this.approvals = approvals;
        this.failClosed = failClosed;
        if (log != null) {
            // ends the one line the log prints when evidence stops being writable (a full disk)
            log.failureNote(failClosed ? "failure=closed blocks governed calls" : "failure=open lets them go ahead unrecorded");
        }
        this.http = new HttpCalls(this);
        this.sql = new SqlCalls(this);
        this.process = new ProcessCalls(this);
    }

    /** The calling thread's state. */
    public static ThreadState state() {
        return STATE.get();
    }

    /** Marks the calling thread as Warden's own: nothing it does is governed. */
    public static void markInternal() {
        STATE.get().internal = true;
    }

    public String agent() {
        return agent;
    }

    public Policy policy() {
        return evaluator.policy();
    }

    /** Where the end user on whose behalf the agent acts comes from (config file {@code principal:}); null: none. */
    public volatile PrincipalSource principals;

    /** The evaluator: its budgets are persisted and released by the agent (policy language 1.1). */
    public Evaluator evaluator() {
        return evaluator;
    }

    public EvidenceLog log() {
        return log;
    }

    public EvidenceKey key() {
        return key;
    }

    public boolean failClosed() {
        return failClosed;
    }

    /** Housekeeper: drops expired sessions. */
    public void sweepSessions() {
        evaluator.sessions().sweep(System.currentTimeMillis());
    }

    /** Hot swap (policy reload). Evaluations in flight finish on the previous policy. */
    public void install(Policy policy) {
        evaluator.install(downgrade(policy));
    }

    private Policy downgrade(Policy p) {
        if (!monitorOnly || p.mode == dev.warden.rules.Mode.MONITOR) {
            return p;
        }
        return new Policy(p.name, p.language, p.defaultVerdict, dev.warden.rules.Mode.MONITOR, p.regions, p.rules,
                p.version, p.serial, p.source, p.warnings);
    }

    // ------------------------------------------------------------------ Dispatcher

    @Override
    public void httpCallCreated(Object call) {
        ThreadState ts = STATE.get();
        if (!ts.internal) {
            http.callCreated(ts, call);
        }
    }

    @Override
    public Object httpJdkRequest(Object exchange, Object request) {
        ThreadState ts = STATE.get();
        if (ts.internal) {
            return null;
        }
        try {
            return http.jdkRequest(ts, exchange, request);
        } catch (Throwable t) {
            return failure(Family.HTTP, t);
        }
    }

    @Override
    public void httpJdkResponse(Object exchange, int status) {
        http.jdkResponse(exchange, status);
    }

    @Override
    public void httpJdkCompleted(Object exchange, Object future) {
        http.jdkCompleted(exchange, future);
    }

    @Override
    public Object httpConnection(Object connection) {
        ThreadState ts = STATE.get();
        if (ts.internal) {
            return null;
        }
        try {
            return http.connection(ts, connection);
        } catch (Throwable t) {
            return failure(Family.HTTP, t);
        }
    }

    @Override
    public void httpConnectionResponse(Object connection, int responseCode, Throwable thrown) {
        http.connectionResponse(connection, responseCode, thrown);
    }

    @Override
    public Object httpRequest(int client, Object a, Object b) {
        ThreadState ts = STATE.get();
        if (ts.internal) {
            return null;
        }
        try {
            return http.request(ts, client, a, b);
        } catch (Throwable t) {
            return failure(Family.HTTP, t);
        }
    }

    @Override
    public void sqlPrepared(Object statement, String sqlText) {
        sql.prepared(statement, sqlText);
    }

    @Override
    public void sqlBatch(Object statement, String sqlText, boolean clear) {
        sql.batch(statement, sqlText, clear);
    }

    @Override
    public Object sqlExecute(Object statement, String sqlText, int method) {
        ThreadState ts = STATE.get();
        if (ts.internal || ts.inside(Family.SQL)) {
            return null;
        }
        try {
            return sql.execute(ts, statement, sqlText, method);
        } catch (Throwable t) {
            return failure(Family.SQL, t);
        }
    }

    @Override
    public Object processStart(Object builder) {
        ThreadState ts = STATE.get();
        if (ts.internal || ts.inside(Family.PROCESS)) {
            return null;
        }
        try {
            return process.start(ts, builder);
        } catch (Throwable t) {
            return failure(Family.PROCESS, t);
        }
    }

    @Override
    public Object processPipeline(Object builders) {
        ThreadState ts = STATE.get();
        if (ts.internal || ts.inside(Family.PROCESS)) {
            return null;
        }
        try {
            return process.pipeline(ts, builders);
        } catch (Throwable t) {
            return failure(Family.PROCESS, t);
        }
    }

    @Override
    public void exit(Object token, Object value, long count, Throwable thrown) {
        if (!(token instanceof Call)) {
            try {
                process.pipelineOutcome(STATE.get(), token, value, thrown);
            } catch (Throwable t) {
                Log.once("outcome:" + t.getClass().getName(), "could not record the outcome of a process pipeline (" + t + ")");
            }
            return;
        }
        Call c = (Call) token;
        if (c.framed) {
            c.owner.depth[c.family.ordinal()]--;
            c.framed = false;
        }
        try {
            switch (c.family) {
                case HTTP:
                    http.outcome(c, value, thrown);
                    break;
                case SQL:
                    sql.outcome(c, value, count, thrown);
                    break;
                case PROCESS:
                    process.outcome(c, value, thrown);
                    break;
                default:
                    finish(c, thrown == null ? "ok" : "error", thrown == null ? null : thrown.getClass().getName());
            }
        } catch (Throwable t) {
            c.active = false;
            Log.once("outcome:" + t.getClass().getName(), "could not record the outcome of a call (" + t + "); evidence of later outcomes continues");
        }
    }

    @Override
    public Object principalEnter(Object request) {
        PrincipalSource ps = principals;
        ThreadState ts = STATE.get();
        return ps == null || ts.internal ? null : ps.enter(request);
    }

    @Override
    public void principalExit(Object token) {
        PrincipalSource.exit(token);
    }

    @Override
    public Object internalError(Throwable t) {
        Log.once("bridge:" + t.getClass().getName(), "internal error in a hook, the call went ahead ungoverned: " + t);
        return null;
    }

    // ------------------------------------------------------------------ the governed call

    /** Resets the thread's action and record; the family fills them, then calls {@link #decide}. */
    public static void begin(ThreadState ts) {
        ts.action.reset();
        ts.record.clear();
    }

    /**
     * Evaluates the action the family filled into {@code ts.action} (kind and attributes; this
     * adds agent, session and parent) and records the decision (the family filled
     * {@code ts.record}'s target, attributes and digest). Returns the exception to throw when
     * the call is blocked, otherwise a {@link Call} whose outcome is still to be recorded.
     *
     * @param ctx the caller's context when the call runs on another thread than its caller; null: this thread's
     * @param framed true when the call's exit comes back on this thread in the same frame (pooled token, family guard held)
     */
    public Object decide(ThreadState ts, Family family, CallContext ctx, boolean framed) {
        return decide(ts, family, ctx, framed, 0);
    }

    /** {@link #decide} flag: an escalated action returns an {@link Escalation} instead of waiting on this thread. */
    public static final int DEFER_ESCALATION = 1;
    /** {@link #decide} flag: a blocked call returns its block message (a {@code String}) instead of an exception nobody throws. */
    public static final int BLOCK_MESSAGE = 2;
    /**
     * {@link #decide} flag: the call's outcome is recorded on this thread before the frame that
     * asked returns (a tool call's exit), so unless it reserved budget (its nested calls keep a
     * reference to it) its {@link Call} is the thread's reusable one, as for framed calls.
     */
    public static final int POOLED_CALL = 4;

    /**
     * {@link #decide} with {@code flags}: with {@link #DEFER_ESCALATION} an escalated action returns
     * an {@link Escalation} (nothing recorded yet: the caller asks {@link #requestApproval} and hands
     * the answer to {@link #settle}; asynchronous call sites); with {@link #BLOCK_MESSAGE} a blocked
     * call answers its message (call sites that return an error result instead of throwing).
     */
    public Object decide(ThreadState ts, Family family, CallContext ctx, boolean framed, int flags) {
        Action a = ts.action;
        String session = ctx != null ? ctx.session : ts.session();
        String source = ctx != null ? ctx.sessionSource : ts.sessionSource();
        String parent = ctx != null ? ctx.parent : ts.parent;
        a.agent(agent).session(session).sessionSource(source).parent(parent);
        PrincipalSource ps = principals;
        if (a.principal() == null && ps != null && ctx == null) {
            a.principal(ps.current(ts));
        }

        EvidenceRecord r = ts.record;
        long seq = log != null ? log.nextSeq() : 0;
        r.type = EvidenceRecord.Type.DECISION;
        r.instance = log != null ? log.instance() : null;
        r.seq = seq;
        r.timeMicros = MicroClock.micros();
        r.agent = agent;
        r.session = session;
        r.sessionSource = source;
        r.parent = parent;
        r.principal = a.principal();
        r.kind = family.kind.label;

        boolean proceed;
        String blockMessage = null;
        Decision d = ts.decision;
        try {
            if (a.timeMillis() == 0) {
                a.timeMillis(r.timeMicros / 1000); // the evidence's own time: one clock read per decision, not two
            }
            evaluator.evaluate(a, d);
            Policy p = d.policy();
            r.policyName = p.name;
            r.policyVersion = p.version;
            r.policySerial = p.serial;
            r.mode = p.mode.label;
            for (int i = 0; i < d.decisiveCount(); i++) {
                Rule rule = d.decisive(i);
                r.rules.add(rule.id);
                List<String> controls = rule.controls;
                for (int j = 0; j < controls.size(); j++) {
                    if (!r.controls.contains(controls.get(j))) {
                        r.controls.add(controls.get(j));
                    }
                }
            }
            Verdict v = d.verdict();
            r.reason = d.reason();
            if (d.wouldDecide() != v) {
                r.wouldDecide = d.wouldDecide().label;
            }
            if (v == Verdict.ESCALATE && (flags & DEFER_ESCALATION) != 0) {
                // an asynchronous call site: the approval is awaited through a future, no thread waits (settle)
                return new Escalation(r.instance + "-" + seq, seq, a, d, r);
            }
            if (v == Verdict.ESCALATE) {
                String id = r.instance + "-" + seq;
                blockMessage = resolve(r, a, d, id, approvals.await(id, a, d));
                proceed = blockMessage == null;
            } else {
                proceed = v.proceeds();
                r.decision = v.label;
                if (!proceed) {
                    blockMessage = d.blockMessage();
                }
                if (v == Verdict.MODIFY) {
                    ModifyEvidence.record(r, a, d, key == null ? null : ts.digest(key));
                }
            }
        } catch (Throwable t) {
            Log.once("evaluate:" + t.getClass().getName(), "policy evaluation failed (" + t + "); failure=" + (failClosed ? "closed blocks" : "open allows") + " such calls");
            proceed = !failClosed;
            if (!proceed) {
                releaseQuietly(a, d); // blocked: whatever the evaluation or an approval reserved goes back
            }
            r.decision = proceed ? Verdict.ALLOW.label : Verdict.DENY.label;
            r.reason = "warden internal error: " + t.getClass().getName() + " (failure=" + (failClosed ? "closed" : "open") + ")";
            blockMessage = "Blocked by Warden: internal error (failure=closed)";
        }
        capabilities.record(a, r.timeMicros / 1000, !proceed); // lock-free; allocation-free after a key's first sighting

        if (log == null) {
            if (failClosed) {
                evaluator.release(a, d); // blocked by a later stage: the call has no effect
                return blockedAnswer(flags, family, "Blocked by Warden: " + evidenceProblem + " (failure=closed)", null);
            }
        } else {
            try {
                append(ts, r);
            } catch (EvidenceException e) {
                if (!e.reported()) {
                    Log.once("append:" + e.getMessage(), e.getMessage() + "; failure=" + (failClosed ? "closed blocks governed calls" : "open lets them go ahead unrecorded"));
                }
                if (failClosed) {
                    evaluator.release(a, d);
                    return blockedAnswer(flags, family, "Blocked by Warden: " + e.getMessage() + " (failure=closed)", null);
                }
            }
        }
        if (!proceed) {
            return (flags & BLOCK_MESSAGE) != 0 ? blockMessage : blocked(family, blockMessage, r.instance == null ? null : r.instance + "-" + seq);
        }
        dev.warden.rules.Reservation res = dev.warden.rules.Reservation.of(evaluator, a, d);
        Call c = framed || ((flags & POOLED_CALL) != 0 && res == null) ? ts.pooledCall(family) : new Call(family, false);
        c.active = true;
        c.owner = ts;
        c.framed = framed;
        if (framed) {
            ts.depth[family.ordinal()]++;
        }
        c.seq = seq;
        c.startNanos = System.nanoTime();
        c.kindOfCall = 0;
        trackBudget(ts, c, ctx, res);
        return c;
    }

    /** Records an approver's answer in {@code r}; returns the block message when the call does not go ahead, else null. */
    private String resolve(EvidenceRecord r, Action a, Decision d, String id, ApprovalGate.Resolution res) {
        r.approvalId = id;
        r.approver = res.approver();
        r.approvalDecision = res.decision();
        r.approvalWaitedMs = res.waitedMillis();
        r.reason = res.reason();
        r.decision = res.approved() ? Verdict.ALLOW.label : Verdict.DENY.label;
        if (res.approved()) {
            evaluator.approved(a, d);
            return null;
        }
        Rule primary = d.primaryRule();
        return "Blocked by policy " + (primary == null ? "default" : primary.id) + ": " + res.reason();
    }

    /** Gives back what a blocked call reserved, after an internal error: never throws. */
    private void releaseQuietly(Action a, Decision d) {
        try {
            evaluator.release(a, d);
        } catch (Throwable t) {
            Log.once("release:" + t.getClass().getName(), "could not give back a blocked call's budget reservation (" + t + ")");
        }
    }

    /** The approval of a deferred escalation, asked now; the future completes on the gate's thread. Never throws. */
    public java.util.concurrent.CompletableFuture<ApprovalGate.Resolution> requestApproval(Escalation e) {
        try {
            return approvals.request(e.id, e.action, e.decision);
        } catch (Throwable t) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    new ApprovalGate.Resolution(false, null, "unavailable", 0, "approval request failed: " + t));
        }
    }

    /**
     * A deferred escalation's answer: records the decision (approver, wait) on the calling thread
     * and returns the block exception, or the {@link Call} of the approved call (its outcome still
     * to be recorded; its duration starts now). Any thread.
     */
    public Object settle(Escalation e, Family family, ApprovalGate.Resolution res) {
        ThreadState ts = STATE.get();
        EvidenceRecord r = e.record;
        String blockMessage;
        try {
            blockMessage = resolve(r, e.action, e.decision, e.id, res);
        } catch (Throwable t) {
            Log.once("evaluate:" + t.getClass().getName(), "settling an approval failed (" + t + ")");
            r.decision = failClosed ? Verdict.DENY.label : Verdict.ALLOW.label;
            blockMessage = failClosed ? "Blocked by Warden: internal error (failure=closed)" : null;
            if (failClosed) {
                releaseQuietly(e.action, e.decision); // blocked: whatever the approval reserved goes back
            }
        }
        if (log != null) {
            try {
                append(ts, r);
            } catch (EvidenceException ex) {
                Log.once("append:" + ex.getMessage(), ex.getMessage());
                if (failClosed && blockMessage == null) {
                    evaluator.release(e.action, e.decision);
                    return blocked(family, "Blocked by Warden: " + ex.getMessage() + " (failure=closed)", null);
                }
            }
        } else if (failClosed && blockMessage == null) {
            evaluator.release(e.action, e.decision);
            return blocked(family, "Blocked by Warden: " + evidenceProblem + " (failure=closed)", null);
        }
        if (blockMessage != null) {
            return blocked(family, blockMessage, e.id);
        }
        Call c = new Call(family, false);
        c.active = true;
        c.owner = ts;
        c.seq = e.seq;
        c.startNanos = System.nanoTime();
        // the approval reserved the call's amount in its budgets (Evaluator.approved, once): the
        // call holds that reservation like a synchronous one, given back if it provably had no effect
        c.reservation = dev.warden.rules.Reservation.of(evaluator, e.action, e.decision);
        return c;
    }

    /**
    /**
     * Budget bookkeeping of a call that goes ahead (policy language 1.1): its reservation, copied
     * out of the thread's Decision (the next call on this thread reuses it), and its place under
     * the thread's in-progress budgeted call, whose reservation is given back when it fails and
     * every governed call it made provably had no effect. Allocation only for calls that reserved.
     */
    private void trackBudget(ThreadState ts, Call c, CallContext ctx, dev.warden.rules.Reservation res) {
        Call parent = ctx == null ? ts.budgeted : null;
        if (parent != null && !parent.active) {
            ts.budgeted = parent = null; // finished elsewhere without restoring: forget it
        }
        c.budgeted = parent;
        if (parent != null) {
            Call.NESTED_CALLS.incrementAndGet(parent);
            Call.NESTED_EFFECTS.incrementAndGet(parent);
        }
        c.reservation = res;
        c.outerBudgeted = null;
        if (res != null) {
            c.nestedCalls = 0;
            c.nestedEffects = 0;
            c.outerBudgeted = ts.budgeted;
            ts.budgeted = c;
        }
    }

    /**
     * Appends the outcome of a call that failed before any byte of it left the process (a
     * connection refused, an unknown host, a process that could not start): it had no effect, so
     * its budget reservation is given back and the call it ran inside no longer counts it. Any thread.
     */
    public void finishWithoutEffect(Call c, String detail) {
        if (!c.active) {
            return;
        }
        Call parent = c.budgeted;
        if (parent != null) {
            Call.NESTED_EFFECTS.decrementAndGet(parent);
        }
        finish(c, "error", released(c, detail));
    }

    /** Gives back {@code c}'s reservation; returns the outcome detail saying so. */
    private static String released(Call c, String detail) {
        dev.warden.rules.Reservation res = c.reservation;
        if (res == null || !res.release(System.currentTimeMillis())) {
            return detail;
        }
        String note = "nothing was sent: budget " + res.rules() + " released";
        return detail == null ? note : detail + " (" + note + ")";
    }

    /** Appends the outcome record of a call that went ahead, and releases its token. Any thread. */
    public void finish(Call c, String status, String detail) {
        if (!c.active) {
            return;
        }
        if (c.reservation != null) {
            ThreadState owner = c.owner;
            if (owner != null && owner.budgeted == c) {
                owner.budgeted = c.outerBudgeted;
            }
            // a call that failed, and every governed call it made failed before sending anything: no effect
            if ("error".equals(status) && c.nestedCalls > 0 && c.nestedEffects == 0) {
                detail = released(c, detail);
            }
        }
        c.active = false;
        if (log == null) {
            return;
        }
        ThreadState ts = STATE.get();
        EvidenceRecord r = ts.outcomeRecord;
        r.clear();
        r.type = EvidenceRecord.Type.OUTCOME;
        r.instance = log.instance();
        r.seq = c.seq;
        r.timeMicros = MicroClock.micros();
        // the outcome carries what joins it to its decision (instance and seq: the id) and what it
        // adds; session, target and attributes are the decision's
        r.agent = agent;
        r.kind = c.family.kind.label;
        r.outcomeStatus = status;
        r.outcomeDurationUs = (System.nanoTime() - c.startNanos) / 1000L;
        r.outcomeDetail = detail;
        try {
            append(ts, r);
        } catch (EvidenceException e) {
            if (!e.reported()) {
                Log.once("append:" + e.getMessage(), e.getMessage());
            }
        }
    }

    /** Appends an {@code event} record (policy loaded or refused, agent started). */
    public void event(String event, String reason) {
        appendEvent(null, r -> {
            r.event = event;
            r.reason = reason;
        });
    }

    /**
     * Appends a {@code control} record (kind {@code control}: a control-plane order applied or
     * refused); {@code fill} sets the event, decision, target and reason. The policy block names
     * the policy enforced from then on. Off the hot path; any thread.
     */
    public void control(java.util.function.Consumer<EvidenceRecord> fill) {
        appendEvent("control", fill);
    }

    private void appendEvent(String kind, java.util.function.Consumer<EvidenceRecord> fill) {
        if (log == null) {
            return;
        }
        ThreadState ts = STATE.get();
        EvidenceRecord r = ts.outcomeRecord;
        r.clear();
        r.type = EvidenceRecord.Type.EVENT;
        r.instance = log.instance();
        r.seq = log.nextSeq();
        r.timeMicros = MicroClock.micros();
        r.agent = agent;
        r.kind = kind;
        fill.accept(r);
        Policy p = evaluator.policy();
        r.policyName = p.name;
        r.policyVersion = p.version;
        r.policySerial = p.serial;
        r.mode = p.mode.label;
        try {
            append(ts, r);
        } catch (EvidenceException e) {
            if (!e.reported()) {
                Log.once("append:" + e.getMessage(), e.getMessage());
            }
        }
    }

    private void append(ThreadState ts, EvidenceRecord r) throws EvidenceException {
        EvidenceCodec.Writer w = ts.writer;
        w.reset();
        EvidenceCodec.encode(r, w);
        if (ts.appenderLog != log) {
            // first record of this thread (or a new log: only tests create more than one)
            ts.appender = log.newAppender();
            ts.appenderLog = log;
        }
        log.append(ts.appender, w.buffer(), w.length());
    }

    private static Object blockedAnswer(int flags, Family family, String message, String evidenceId) {
        return (flags & BLOCK_MESSAGE) != 0 ? message : blocked(family, message, evidenceId);
    }

    /** The block exception of a family, as its call sites expect it. */
    public static Throwable blocked(Family family, String message, String evidenceId) {
        return family == Family.SQL ? new BlockedSQLException(message, evidenceId) : new BlockedIOException(message, evidenceId);
    }

    /** What a hook returns when Warden failed inside it: the failure mode's answer. */
    public Object failure(Family family, Throwable t) {
        Log.once("hook:" + family + t.getClass().getName(), "internal error while governing a " + family.kind.label + " call (" + t + "); failure="
                + (failClosed ? "closed blocks" : "open allows") + " such calls");
        return failClosed ? blocked(family, "Blocked by Warden: internal error (failure=closed)", null) : null;
    }
}
