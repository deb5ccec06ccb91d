package dev.warden.agent.policy;

import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.Log;
import dev.warden.rules.Policy;
import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.policy.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;

/**
 * The policy file the agent enforces, loaded at start and watched for edits: the housekeeper
 * calls {@link #check()} every 250 ms; a changed file (size, modification time, inode or
 * content) is parsed and, when valid, installed whole (the evaluator swaps its rule table
 * atomically), so an edit applies within a second. A broken edit is reported once as
 * {@code file:line:col: problem} and the last good policy stays active; a file that was missing
 * or broken at start is picked up as soon as it becomes valid. While a policy pushed by the
 * collector is in force (serial above 0) edits are reported and ignored: the pushed policy wins.
 *
 * <p>{@link #check()} is called by one thread (the housekeeper); the rest is immutable.
 */
public final class PolicyFile {
    private static final long MAX_BYTES = 4L << 20;

    private final Path path;
    private Governor governor;
    private Object lastKey;
    private long lastSize = -1;
    private long lastModified;
    private byte[] lastBytes;
    private String lastProblem;
    private boolean pending;

    public PolicyFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Outcome of the first load. */
    public record Loaded(Policy policy, String problem) {
    }

    /** Loads the policy at start; on failure returns the problem (one line) and no policy. */
    public Loaded load() {
        try {
            snapshot();
            byte[] bytes = read();
            lastBytes = bytes;
            return new Loaded(PolicyParser.parse(bytes, path.toString()), null);
        } catch (NoSuchFileException e) {
            lastProblem = path + ": policy file not found";
        } catch (IOException e) {
            lastProblem = path + ": cannot be read (" + e.getMessage() + ")";
        } catch (PolicyException e) {
            lastProblem = e.firstProblem() + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : "");
        }
        return new Loaded(null, lastProblem);
    }

    /** Starts hot reload into {@code g}. */
    public void watch(Governor g) {
        this.governor = g;
    }

    /** Housekeeper: reloads the policy when the file changed. */
    public void check() {
        if (governor == null) {
            return;
        }
        try {
            // act once the file has stopped changing for one tick: an editor's truncate-then-write
            // is not reported as a broken policy
            if (snapshot()) {
                pending = true;
                return;
            }
            if (!pending) {
                return;
            }
            pending = false;
            byte[] bytes = read();
            if (Arrays.equals(bytes, lastBytes)) {
                return;
            }
            lastBytes = bytes;
            Policy p = PolicyParser.parse(bytes, path.toString());
            Policy pushed = governor.policy();
            if (pushed.serial > 0) {
                // a policy pushed by the collector wins over the local file while it is in force
                report(path + ": edited, but the pushed policy " + pushed.name + " (serial " + pushed.serial
                        + ") is in force; the edit is ignored");
                return;
            }
            governor.install(p);
            lastProblem = null;
            Log.line("policy reloaded: " + p.name + " (" + p.rules.size() + " rules, " + p.version + ")");
            governor.event("policy-loaded", "reloaded from " + path);
        } catch (NoSuchFileException e) {
            lastBytes = null;
            report(path + ": policy file not found; the last good policy stays active");
        } catch (IOException e) {
            report(path + ": cannot be read (" + e.getMessage() + "); the last good policy stays active");
        } catch (PolicyException e) {
            report(e.firstProblem() + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : "")
                    + "; the last good policy stays active");
        }
    }

    private void report(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            Log.line(problem);
            governor.event("policy-refused", problem);
        }
    }

    /** True when the file's size, time or identity changed since the last look (appearing or vanishing included). */
    private boolean snapshot() {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            boolean changed = lastSize != -2;
            lastSize = -2;
            lastKey = null;
            return changed;
        }
        long modified = a.lastModifiedTime().toMillis() * 1000 + (a.lastModifiedTime().toInstant().getNano() / 1000) % 1000;
        boolean changed = a.size() != lastSize || modified != lastModified || !Objects.equals(a.fileKey(), lastKey);
        lastSize = a.size();
        lastModified = modified;
        lastKey = a.fileKey();
        return changed;
    }

    private byte[] read() throws IOException {
        if (Files.size(path) > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        return Files.readAllBytes(path);
    }
}
