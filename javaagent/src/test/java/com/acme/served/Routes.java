package com.acme.served;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the servlet test applications serve, written once for both servlet APIs ({@link TomcatApp}
 * on jakarta.servlet, {@link JettyApp} on javax.servlet, whose servlets only read the request and
 * write the answer): the paths below (each answering {@link UserActions#act}'s line), the filter's
 * query, and the commands the test sends on standard input. No Warden code. Paths, by the
 * servlet path they are mapped to:
 * <ul>
 * <li>{@code /act/<label>[?refund=N]}: the work on the request thread;</li>
 * <li>{@code /pool/<label>}: the work handed to the application's own executor (one pooled
 * thread, {@code app-pool}), the request waiting for it;</li>
 * <li>{@code /stage/<label>}: the work in a {@code CompletableFuture.supplyAsync} stage (the JDK's
 * default async executor: a thread per task on a machine whose common pool has one thread, as on a
 * 2-core one), the request waiting for it;</li>
 * <li>{@code /forkjoin/<label>}: the same stage on the application's own {@code ForkJoinPool} (one
 * worker; the common pool would be swapped for a thread per task on such a machine);</li>
 * <li>{@code /async/<label>}: the work in {@code AsyncContext.start} ({@link #async});</li>
 * <li>{@code /prestart/<label>}: the work on the request thread, after the request has created the
 * application's lazily made executor ({@code app-lazy}, one core thread) and started its worker
 * ({@code prestartCoreThread}), as a library initialising on first use does;</li>
 * <li>{@code /vexec/<label>}: inside the {@code handOff} tool ({@link HandOffTools}), the work handed to
 * the application's {@code Executors.newVirtualThreadPerTaskExecutor()}, the tool waiting for it;</li>
 * <li>{@code /vthread/<label>}: inside the same tool, the work on a virtual thread of its own
 * ({@code Thread.ofVirtual().start}), the tool joining it.</li>
 * </ul>
 * The virtual-thread paths need JDK 21+ (reached by reflection: the test applications are
 * compiled for Java 17); on an older JDK they answer {@code no virtual threads}.
 * Standard input: a line {@code pool <label>} submits that label's work, as nobody, to the same
 * executor from the main thread (outside any request) and prints {@code done <label> <answer>};
 * {@code lazy <label>} does the same on the lazily made executor's worker (started during the
 * request that made it); {@code vexec <label>} and {@code vthread <label>} do the same on the virtual-thread executor and
 * on a virtual thread of its own; the application stops when its standard input closes. Any thread.
 */
public final class Routes {
    /** The request header naming the user the client says it is. */
    public static final String USER = "X-User-Id";

    private final String jdbc;
    private final String downstream;
    private final ExecutorService pool = Executors.newFixedThreadPool(1, r -> {
        Thread t = new Thread(r, "app-pool");
        t.setDaemon(true);
        return t;
    });
    private final ForkJoinPool forkJoin = new ForkJoinPool(1);
    /** Made, and its worker started, by the first {@code /prestart/} request. */
    private ThreadPoolExecutor lazy;
    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, or null before JDK 21. */
    private final ExecutorService virtual = virtualThreadPerTaskExecutor();

    /** Serves {@code jdbc} (its table created here) and calls {@code downstream} (a base URL). */
    public Routes(String jdbc, String downstream) throws Exception {
        this.jdbc = jdbc;
        this.downstream = downstream;
        UserActions.createTable(jdbc);
    }

    /** The label of a request whose path info is {@code pathInfo} ({@code /alice-1} → {@code alice-1}). */
    static String label(String pathInfo) {
        return pathInfo == null ? "" : pathInfo.substring(1);
    }

    /** The answer to a GET of {@code servletPath + pathInfo} as {@code user} (null: no header), {@code refund} its parameter or null. */
    public byte[] get(String servletPath, String pathInfo, String user, String refund) {
        String label = label(pathInfo);
        String answer;
        switch (servletPath) {
            case "/pool":
                answer = waitFor(pool.submit(() -> UserActions.act(jdbc, downstream, label, user, 0)));
                break;
            case "/stage":
                answer = waitFor(CompletableFuture.supplyAsync(() -> UserActions.act(jdbc, downstream, label, user, 0)));
                break;
            case "/forkjoin":
                answer = waitFor(CompletableFuture.supplyAsync(() -> UserActions.act(jdbc, downstream, label, user, 0), forkJoin));
                break;
            case "/prestart":
                lazyPool();
                answer = UserActions.act(jdbc, downstream, label, user, 0);
                break;
            case "/vexec":
            case "/vthread":
                answer = new HandOffTools().handOff(servletPath.substring(1), label, user);
                break;
            default:
                answer = UserActions.act(jdbc, downstream, label, user, refund == null ? 0 : Double.parseDouble(refund));
        }
        return answer.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A LangChain4j-annotated tool (governed as {@code framework: annotated}, called as a plain
     * method) that hands the request's work to a virtual thread and waits for it: the work is the
     * tool's, so the tool (as parent) and its session travel with it, beside the request's user.
     */
    public final class HandOffTools {
        @dev.langchain4j.agent.tool.Tool(name = "handOff", value = "Hands an order's work to a virtual thread")
        public String handOff(String how, String label, String claimed) {
            return onVirtualThread(how, label, claimed);
        }
    }

    /** {@code label}'s work ({@code claimed}: its user) on the virtual-thread executor ({@code how} {@code vexec}) or a virtual thread of its own ({@code vthread}), waited for. */
    String onVirtualThread(String how, String label, String claimed) {
        if (virtual == null) {
            return "no virtual threads";
        }
        Callable<String> work = () -> UserActions.act(jdbc, downstream, label, claimed, 0);
        if (how.equals("vexec")) {
            return waitFor(virtual.submit(work));
        }
        FutureTask<String> task = new FutureTask<>(work);
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Thread t = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, task);
            t.join();
        } catch (ReflectiveOperationException | InterruptedException e) {
            return "failed: " + e;
        }
        return waitFor(task);
    }

    /** The lazily made executor: made and its worker started on the first call. */
    private synchronized ThreadPoolExecutor lazyPool() {
        if (lazy == null) {
            lazy = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "app-lazy");
                t.setDaemon(true);
                return t;
            });
            lazy.prestartCoreThread();
        }
        return lazy;
    }

    private static ExecutorService virtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static String waitFor(Future<String> work) {
        try {
            return work.get();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** What the filter in front of {@code /act/} does before passing the request on: a query. */
    public void filter(String pathInfo) {
        UserActions.query(jdbc, "filter", label(pathInfo));
    }

    /** Where an asynchronous request's answer goes: its response's body. */
    public interface Body {
        OutputStream open() throws IOException;
    }

    /** The task an {@code /async/} request hands to {@code AsyncContext.start}: the work, its answer written to {@code body}, then {@code complete}. */
    public Runnable async(String pathInfo, String user, Body body, Runnable complete) {
        String label = label(pathInfo);
        return () -> {
            try {
                body.open().write(UserActions.act(jdbc, downstream, label, user, 0).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                complete.run();
            }
        };
    }

    /** Runs the commands of standard input (see the class comment) on the calling thread until it closes. */
    public void commandsUntilStdinCloses() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("pool ")) {
                String label = line.substring(5).trim();
                String answer = waitFor(pool.submit(() -> UserActions.act(jdbc, downstream, label, null, 0)));
                System.out.println("done " + label + " " + answer);
                System.out.flush();
            } else if (line.startsWith("lazy ")) {
                String label = line.substring(5).trim();
                String answer = waitFor(lazyPool().submit(() -> UserActions.act(jdbc, downstream, label, null, 0)));
                System.out.println("done " + label + " " + answer);
                System.out.flush();
            } else if (line.startsWith("vexec ") || line.startsWith("vthread ")) {
                String label = line.substring(line.indexOf(' ') + 1).trim();
                System.out.println("done " + label + " " + onVirtualThread(line.substring(0, line.indexOf(' ')), label, null));
                System.out.flush();
            }
        }
    }
}
