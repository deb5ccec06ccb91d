package com.acme.served;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A javax.servlet application on embedded Jetty 10 (no Warden code): one loopback connector whose
 * thread pool leaves a single thread for requests (one acceptor, one selector, no reserved
 * threads), so consecutive requests run on the same pooled thread. Served paths:
 * {@code /act/<label>} ({@link UserActions#act} behind a filter that first runs a query) and
 * {@code /async/<label>} (the same work in {@code AsyncContext.start}). Prints
 * {@code ports: <port>} when serving, stops when its standard input closes. Arguments: JDBC URL,
 * downstream base URL.
 */
public final class JettyApp {
    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        String downstream = args[1];
        UserActions.createTable(jdbc);

        QueuedThreadPool threads = new QueuedThreadPool(3, 3);
        threads.setReservedThreads(0);
        threads.setName("jetty-pool");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(new ActServlet(jdbc, downstream)), "/act/*");
        ServletHolder async = new ServletHolder(new AsyncServlet(jdbc, downstream));
        async.setAsyncSupported(true);
        ctx.addServlet(async, "/async/*");
        ctx.addFilter(new FilterHolder(new SeenFilter(jdbc)), "/act/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(ctx);
        server.start();
        System.out.println("ports: " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the test closes our standard input
        }
        server.stop();
        System.exit(0);
    }

    static String label(HttpServletRequest req) {
        String p = req.getPathInfo();
        return p == null ? "" : p.substring(1);
    }

    static void answer(ServletResponse res, String text) throws IOException {
        res.setContentType("text/plain");
        res.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    static final class ActServlet extends HttpServlet {
        final String jdbc;
        final String downstream;

        ActServlet(String jdbc, String downstream) {
            this.jdbc = jdbc;
            this.downstream = downstream;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            answer(res, UserActions.act(jdbc, downstream, label(req), req.getHeader("X-User-Id"), 0));
        }
    }

    static final class AsyncServlet extends HttpServlet {
        final String jdbc;
        final String downstream;

        AsyncServlet(String jdbc, String downstream) {
            this.jdbc = jdbc;
            this.downstream = downstream;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) {
            String label = label(req);
            String claimed = req.getHeader("X-User-Id");
            AsyncContext ac = req.startAsync();
            ac.start(() -> {
                try {
                    answer(ac.getResponse(), UserActions.act(jdbc, downstream, label, claimed, 0));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    ac.complete();
                }
            });
        }
    }

    static final class SeenFilter implements Filter {
        final String jdbc;

        SeenFilter(String jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            UserActions.query(jdbc, "filter", label((HttpServletRequest) req));
            chain.doFilter(req, res);
        }
    }
}
