package com.acme.served;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A jakarta.servlet application on embedded Tomcat 10.1 (no Warden code) with two connectors on
 * loopback: one with a pool of 8 request threads, one with a single request thread (every
 * request it serves runs on the same pooled thread). Served paths:
 * <ul>
 * <li>{@code /act/<label>[?refund=N]}: {@link UserActions#act} on the request thread, behind a
 * filter that first runs {@code SELECT 'filter:<label>'};</li>
 * <li>{@code /fwd/<label>}: wraps the request in an {@code HttpServletRequestWrapper} and forwards
 * it to {@code /act/<label>} (a second servlet {@code service} inside the first);</li>
 * <li>{@code /async/<label>}: {@code startAsync()} and the work in {@code AsyncContext.start}, on
 * another container thread after {@code service} has returned.</li>
 * </ul>
 * Prints {@code ports: <pool> <single>} when serving, stops when its standard input closes.
 * Arguments: JDBC URL, downstream base URL, Tomcat base directory.
 */
public final class TomcatApp {
    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        String downstream = args[1];
        UserActions.createTable(jdbc);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[2]);
        Connector pool = connector(8);
        Connector single = connector(1);
        tomcat.getService().addConnector(pool);
        tomcat.getService().addConnector(single);
        tomcat.setConnector(pool);

        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "act", new ActServlet(jdbc, downstream));
        ctx.addServletMappingDecoded("/act/*", "act");
        Tomcat.addServlet(ctx, "fwd", new ForwardServlet());
        ctx.addServletMappingDecoded("/fwd/*", "fwd");
        Tomcat.addServlet(ctx, "async", new AsyncServlet(jdbc, downstream)).setAsyncSupported(true);
        ctx.addServletMappingDecoded("/async/*", "async");
        FilterDef fd = new FilterDef();
        fd.setFilterName("seen");
        fd.setFilter(new SeenFilter(jdbc));
        ctx.addFilterDef(fd);
        FilterMap fm = new FilterMap();
        fm.setFilterName("seen");
        fm.addURLPattern("/act/*");
        ctx.addFilterMap(fm);

        tomcat.start();
        System.out.println("ports: " + pool.getLocalPort() + " " + single.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the test closes our standard input
        }
        tomcat.stop();
        tomcat.destroy();
        System.exit(0);
    }

    static Connector connector(int threads) {
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        c.setProperty("maxThreads", Integer.toString(threads));
        c.setProperty("minSpareThreads", Integer.toString(Math.min(threads, 2)));
        return c;
    }

    static String label(HttpServletRequest req) {
        String p = req.getPathInfo();
        return p == null ? "" : p.substring(1);
    }

    static void answer(ServletResponse res, String text) throws IOException {
        res.setContentType("text/plain");
        res.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    static double refund(HttpServletRequest req) {
        String r = req.getParameter("refund");
        return r == null ? 0 : Double.parseDouble(r);
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
            answer(res, UserActions.act(jdbc, downstream, label(req), req.getHeader("X-User-Id"), refund(req)));
        }
    }

    static final class ForwardServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
            req.getRequestDispatcher("/act/" + label(req)).forward(new HttpServletRequestWrapper(req), res);
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
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    answer(async.getResponse(), UserActions.act(jdbc, downstream, label, claimed, 0));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
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
