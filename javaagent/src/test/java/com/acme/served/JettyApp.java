package com.acme.served;

import java.io.IOException;
import java.util.EnumSet;
import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
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
 * threads), so consecutive requests run on the same pooled thread. Serves the {@link Routes}
 * ({@code /act/}, {@code /pool/}, {@code /stage/}, {@code /forkjoin/}, {@code /async/}; a filter in front of
 * {@code /act/}). Prints {@code ports: <port>} when serving, then runs the {@link Routes}
 * standard-input commands until it closes. Arguments: JDBC URL, downstream base URL.
 */
public final class JettyApp {
    public static void main(String[] args) throws Exception {
        Routes routes = new Routes(args[0], args[1]);

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
        ServletHolder served = new ServletHolder(new Served(routes));
        served.setAsyncSupported(true);
        for (String path : new String[] {"/act/*", "/pool/*", "/stage/*", "/forkjoin/*", "/async/*"}) {
            ctx.addServlet(served, path);
        }
        ctx.addFilter(new FilterHolder(seen(routes)), "/act/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(ctx);
        server.start();
        System.out.println("ports: " + connector.getLocalPort());
        System.out.flush();
        routes.commandsUntilStdinCloses();
        server.stop();
        System.exit(0);
    }

    /** Every path of the {@link Routes} on javax.servlet: {@code /async/} in {@code AsyncContext.start}, the others as {@link Routes#get} answers. */
    static final class Served extends HttpServlet {
        final Routes routes;

        Served(Routes routes) {
            this.routes = routes;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            String user = req.getHeader(Routes.USER);
            if (req.getServletPath().equals("/async")) {
                AsyncContext async = req.startAsync();
                async.start(routes.async(req.getPathInfo(), user, () -> async.getResponse().getOutputStream(), async::complete));
            } else {
                res.getOutputStream().write(routes.get(req.getServletPath(), req.getPathInfo(), user, req.getParameter("refund")));
            }
        }
    }

    /** The filter in front of {@code /act/}: {@link Routes#filter}, then the chain. */
    static Filter seen(Routes routes) {
        return (req, res, chain) -> {
            routes.filter(((HttpServletRequest) req).getPathInfo());
            chain.doFilter(req, res);
        };
    }
}
