package com.acme.served;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

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
 * <li>{@code /async/<label>}: the work in {@code AsyncContext.start} ({@link #async}).</li>
 * </ul>
 * Standard input: a line {@code pool <label>} submits that label's work, as nobody, to the same
 * executor from the main thread (outside any request) and prints {@code done <label> <answer>};
 * the application stops when its standard input closes. Any thread.
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
            default:
                answer = UserActions.act(jdbc, downstream, label, user, refund == null ? 0 : Double.parseDouble(refund));
        }
        return answer.getBytes(StandardCharsets.UTF_8);
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
            }
        }
    }
}
