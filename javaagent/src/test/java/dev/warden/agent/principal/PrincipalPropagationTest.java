package dev.warden.agent.principal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.bootstrap.ContextCallable;
import dev.warden.agent.bootstrap.ContextRunnable;
import dev.warden.agent.bootstrap.ToolDispatcher;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.agent.tool.ToolGovernor;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The principal travels where the agent session does, through the bridge calls the woven code
 * makes ({@code Bridge.wrapTask}/{@code wrapCallable} at submission, {@code threadStarting}/
 * {@code threadRunning} around a thread's start): captured when the task is submitted, applied
 * around its run on a real pool thread, the worker's own principal (and session) put back
 * afterwards; a submission with neither session nor principal is the task itself; a thread started
 * while a request is served keeps its user for its life, one an executor starts as its worker does not.
 */
class PrincipalPropagationTest {
    static final String POLICY = "version: 1\nname: unit\ndefault: allow\nrules: []\n";

    Governor governor;
    PrincipalSource principals;
    ToolDispatcher toolsBefore;
    Class<?> api;
    ExecutorService pool;

    @BeforeEach
    void install() throws Exception {
        governor = new Governor("unit", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "unit.yaml"), null, null, null,
                FixedApprovals.DENY, false, false);
        principals = PrincipalSource.fromConfig(PrincipalSourceTest.config(
                "principal:\n  header: X-User-Id\n  thread-local: " + PrincipalSourceTest.class.getName() + ".USER\n"));
        governor.principals = principals;
        toolsBefore = Bridge.tools;
        Bridge.tools = new ToolGovernor(governor);
        api = PrincipalSourceTest.servletRequestApi();
        pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-pool"));
    }

    @AfterEach
    void uninstall() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        Bridge.tools = toolsBefore;
        PrincipalSource.carry(null);
        ThreadState ts = Governor.state();
        ts.session = null;
        ts.sessionSource = null;
        ts.parent = null;
    }

    /** Serves a request as {@code user} on this thread (as the woven {@code service} does) while {@code work} runs. */
    <T> T serving(String user, Callable<T> work) throws Exception {
        Object token = principals.enter(PrincipalSourceTest.servletRequest(api, user == null ? Map.of() : Map.of("X-User-Id", user)));
        try {
            return work.call();
        } finally {
            PrincipalSource.exit(token);
        }
    }

    /** {@code ThreadPoolExecutor.execute(task)} as the woven code runs it: wrapTask at entry, submitted at exit. */
    static Runnable submit(Runnable task) {
        try {
            return Bridge.wrapTask(task);
        } finally {
            Bridge.submitted();
        }
    }

    /** What the task saw when it ran on the pool's thread: "principal|session". */
    String runOnPool(Runnable wrapped, AtomicReference<String> seen) throws Exception {
        pool.submit(wrapped).get(10, TimeUnit.SECONDS);
        return seen.get();
    }

    Runnable probe(AtomicReference<String> seen) {
        return () -> seen.set(principals.current() + "|" + Governor.state().session);
    }

    @Test
    void aSubmissionWithNeitherSessionNorPrincipalIsTheTaskItself() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Runnable probe = probe(seen);
        assertSame(probe, submit(probe), "outside any request and session: not wrapped");
        assertSame(probe, serving(null, () -> submit(probe)), "a request without the header: not wrapped");
        Callable<String> callable = () -> "x";
        assertSame(callable, Bridge.wrapCallable(callable));
        Bridge.submitted();
    }

    @Test
    void aTaskSubmittedWhileARequestIsServedRunsAsItsUserAndThePooledWorkerKeepsNobody() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Runnable wrapped = serving("alice", () -> submit(probe(seen)));
        assertInstanceOf(ContextRunnable.class, wrapped);
        assertSame(wrapped, submit(wrapped), "never wrapped twice");
        assertNull(principals.current(), "the request is served: this thread carries nobody");

        assertEquals("alice|null", runOnPool(wrapped, seen), "the task runs as the request's user on the pool's thread");
        // the same pooled thread, a task submitted outside any request: nobody
        assertEquals("null|null", runOnPool(submit(probe(seen)), seen));

        Callable<String> who = () -> principals.current();
        @SuppressWarnings("unchecked")
        Callable<String> wrappedCallable = serving("bob", () -> {
            try {
                return Bridge.wrapCallable(who);
            } finally {
                Bridge.submitted();
            }
        });
        assertInstanceOf(ContextCallable.class, wrappedCallable);
        assertEquals("bob", pool.submit(wrappedCallable).get(10, TimeUnit.SECONDS));
        assertNull(pool.submit(who).get(10, TimeUnit.SECONDS), "the worker is nobody again after the callable");
    }

    @Test
    void theExecutingThreadsOwnPrincipalAndSessionComeBackAfterTheTask() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        ThreadState ts = Governor.state();
        ts.session = "conversation-7";
        ts.sessionSource = "spring-ai-conversation-id";
        Runnable alices = serving("alice", () -> submit(probe(seen)));
        ts.session = null;
        ts.sessionSource = null;

        // a thread serving bob runs alice's task itself (a caller-runs policy, a direct executor)
        String after = serving("bob", () -> {
            alices.run();
            return principals.current() + "|" + ts.session;
        });
        assertEquals("alice|conversation-7", seen.get(), "session and principal travel together");
        assertEquals("bob|null", after, "the thread's own user and session are back after the task");
        assertNull(PrincipalSource.carried(), "and nothing is left once its request is served");

        // a session-only task (its submitter acted for nobody) runs as nobody, even on a thread serving carol
        ts.session = "conversation-8";
        Runnable sessionOnly = submit(probe(seen));
        ts.session = null;
        assertInstanceOf(ContextRunnable.class, sessionOnly);
        String carolAfter = serving("carol", () -> {
            sessionOnly.run();
            return principals.current();
        });
        assertEquals("null|conversation-8", seen.get());
        assertEquals("carol", carolAfter);
    }

    @Test
    void aThreadLocalPrincipalTravelsToo() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        PrincipalSourceTest.USER.set("dave");
        Runnable wrapped;
        try {
            wrapped = submit(probe(seen));
        } finally {
            PrincipalSourceTest.USER.remove();
        }
        assertEquals("dave|null", runOnPool(wrapped, seen), "the worker has no thread-local of its own: the submitter's travelled");
        assertEquals("null|null", runOnPool(submit(probe(seen)), seen));
    }

    @Test
    void aThreadStartedDuringARequestKeepsItsUserForItsLifeButAnExecutorsWorkerDoesNot() throws Exception {
        CountDownLatch served = new CountDownLatch(1);
        AtomicReference<String> before = new AtomicReference<>();
        AtomicReference<String> later = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Bridge.threadRunning(Thread.currentThread()); // the woven Thread.run entry
            before.set(principals.current());
            try {
                assertTrue(served.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            later.set(principals.current());
        }, "started-by-alice");
        serving("alice", () -> {
            Bridge.threadStarting(t); // the woven Thread.start entry
            t.start();
            return null;
        });
        served.countDown();
        t.join(10_000);
        assertEquals("alice", before.get());
        assertEquals("alice", later.get(), "the thread keeps its user after the request that started it is served");

        // an already wrapped task handed to an executor again (one pool delegating to another) leaves the submission count balanced
        Runnable wrappedOnce = serving("alice", () -> submit(() -> { }));
        submit(wrappedOnce);
        submit(wrappedOnce);
        // a worker an executor starts inside execute() (a submission in progress) is the pool's, not the request's
        AtomicReference<String> worker = new AtomicReference<>();
        Thread w = new Thread(() -> {
            Bridge.threadRunning(Thread.currentThread());
            worker.set(String.valueOf(principals.current()));
        }, "pool-worker");
        serving("alice", () -> {
            Bridge.wrapTask(() -> { });
            try {
                Bridge.threadStarting(w);
                w.start();
            } finally {
                Bridge.submitted();
            }
            return null;
        });
        w.join(10_000);
        assertEquals("null", worker.get());
    }

    @Test
    void wardensOwnThreadsCarryNothing() throws Exception {
        ThreadState ts = Governor.state();
        boolean internal = ts.internal;
        ts.internal = true;
        try {
            Runnable probe = () -> { };
            assertSame(probe, serving("alice", () -> submit(probe)));
        } finally {
            ts.internal = internal;
        }
    }
}
