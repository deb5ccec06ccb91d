package dev.warden.agent.process;

import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Kind;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns process launches into {@code process} actions: {@code command} is the program's file
 * name ({@code /usr/bin/curl} → {@code curl}), {@code args} the rest of the command line. The
 * evidence keeps the program as given and the arguments only as a keyed digest (DESIGN.md,
 * "Evidence"). {@code ProcessBuilder.startPipeline} is decided for every stage before any stage
 * starts, so a denied stage leaves no earlier stage running. Thread-safe.
 */
public final class ProcessCalls {
    private final Governor governor;

    public ProcessCalls(Governor governor) {
        this.governor = governor;
    }

    /** {@code ProcessBuilder.start}: one launch. */
    public Object start(ThreadState ts, Object builder) {
        List<String> command = ((ProcessBuilder) builder).command();
        fill(ts, command);
        return governor.decide(ts, Family.PROCESS, null, true);
    }

    /**
     * {@code ProcessBuilder.startPipeline(builders)}: every stage is evaluated first; when one is
     * denied, the stages already allowed are recorded as blocked and none starts.
     */
    public Object pipeline(ThreadState ts, Object builders) {
        List<?> list = (List<?>) builders;
        List<Call> allowed = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object b = list.get(i);
            if (!(b instanceof ProcessBuilder)) {
                continue;
            }
            fill(ts, ((ProcessBuilder) b).command());
            ts.record.attributes.put("pipeline_stage", Integer.toString(i + 1) + "/" + list.size());
            Object r = governor.decide(ts, Family.PROCESS, null, false);
            if (r instanceof Throwable) {
                for (Call c : allowed) {
                    governor.finish(c, "blocked", "pipeline stage " + (i + 1) + " was denied; nothing started");
                }
                return r;
            }
            if (r instanceof Call) {
                allowed.add((Call) r);
            }
        }
        // the stages' own start() calls run under this frame's guard and are not evaluated again
        ts.enter(Family.PROCESS);
        return new PipelineToken(allowed);
    }

    /** The token of a whole pipeline: the allowed stages' calls. */
    private static final class PipelineToken {
        final List<Call> stages;

        PipelineToken(List<Call> stages) {
            this.stages = stages;
        }
    }

    /** The exit of {@code start} or {@code startPipeline}. */
    public void outcome(Call c, Object value, Throwable thrown) {
        if (thrown instanceof java.io.IOException) {
            // start() threw: no process was created (no such program, not executable), so the call had no effect
            governor.finishWithoutEffect(c, thrown.getClass().getName());
            return;
        }
        governor.finish(c, thrown == null ? "ok" : "error", thrown == null ? describe(value) : thrown.getClass().getName());
    }

    /** The exit of {@code startPipeline}: releases the guard and records every stage. */
    public boolean pipelineOutcome(ThreadState ts, Object token, Object value, Throwable thrown) {
        if (!(token instanceof PipelineToken)) {
            return false;
        }
        ts.leave(Family.PROCESS);
        List<Call> stages = ((PipelineToken) token).stages;
        List<?> processes = value instanceof List ? (List<?>) value : List.of();
        for (int i = 0; i < stages.size(); i++) {
            Object p = i < processes.size() ? processes.get(i) : null;
            governor.finish(stages.get(i), thrown == null ? "ok" : "error", thrown == null ? describe(p) : thrown.getClass().getName());
        }
        return true;
    }

    private static String describe(Object process) {
        return process instanceof Process ? "pid " + ((Process) process).pid() : null;
    }

    private void fill(ThreadState ts, List<String> command) {
        Governor.begin(ts);
        int n = command.size();
        String program = n == 0 || command.get(0) == null ? "" : command.get(0);
        int slash = Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\'));
        String name = program.substring(slash + 1);
        String[] args = ts.strings(Math.max(0, n - 1));
        for (int i = 1; i < n; i++) {
            args[i - 1] = command.get(i);
        }
        int argc = Math.max(0, n - 1);
        ts.action.kind(Kind.PROCESS).command(name).processArgs(args, argc);
        EvidenceRecord r = ts.record;
        r.target = program;
        r.attributes.put("command", name);
        r.attributes.put("argc", Integer.toString(argc));
        if (governor.key() != null) {
            r.argsDigest = ts.digest(governor.key()).digest(args, argc);
        }
    }
}
