package com.acme.served;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;

/**
 * A jakarta.servlet application on embedded Tomcat 10.1 (no Warden code) with two connectors on
 * loopback: one with a pool of 8 request threads, one with a single request thread (every
 * request it serves runs on the same pooled thread). With a fourth argument {@code virtual}
 * (JDK 21+), both serve every request on a virtual thread of its own instead, as Spring Boot's
 * {@code spring.threads.virtual.enabled=true} makes Tomcat do: the first through the executor
 * Spring Boot installs ({@code VirtualThreadExecutor("tomcat-handler-")}), the second through the
 * connector's own {@code useVirtualThreads} property. Serves the {@link Routes} ({@code /act/},
 * {@code /pool/}, {@code /stage/}, {@code /forkjoin/}, {@code /async/}, {@code /prestart/}, {@code /vexec/},
 * {@code /vthread/}; a filter in front of {@code /act/}), plus
 * {@code /fwd/<label>}: wraps the request in an {@code HttpServletRequestWrapper} and forwards it to
 * {@code /act/<label>} (a second servlet {@code service} inside the first). Prints
 * {@code ports: <pool> <single>} when serving, then runs the {@link Routes} standard-input commands
 * until it closes. Arguments: JDBC URL, downstream base URL, Tomcat base directory[, {@code virtual}].
 */
public final class TomcatApp {
    public static void main(String[] args) throws Exception {
        Routes routes = new Routes(args[0], args[1]);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[2]);
        Connector pool = connector(8);
        Connector single = connector(1);
        if (args.length > 3 && args[3].equals("virtual")) {
            pool.getProtocolHandler().setExecutor(new VirtualThreadExecutor("tomcat-handler-"));
            single.setProperty("useVirtualThreads", "true");
        }
        tomcat.getService().addConnector(pool);
        tomcat.getService().addConnector(single);
        tomcat.setConnector(pool);

        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "served", new Served(routes)).setAsyncSupported(true);
        for (String path : new String[] {"/act/*", "/pool/*", "/stage/*", "/forkjoin/*", "/async/*", "/prestart/*", "/vexec/*", "/vthread/*"}) {
            ctx.addServletMappingDecoded(path, "served");
        }
        Tomcat.addServlet(ctx, "fwd", new ForwardServlet());
        ctx.addServletMappingDecoded("/fwd/*", "fwd");
        FilterDef fd = new FilterDef();
        fd.setFilterName("seen");
        fd.setFilter(seen(routes));
        ctx.addFilterDef(fd);
        FilterMap fm = new FilterMap();
        fm.setFilterName("seen");
        fm.addURLPattern("/act/*");
        ctx.addFilterMap(fm);

        tomcat.start();
        System.out.println("ports: " + pool.getLocalPort() + " " + single.getLocalPort());
        System.out.flush();
        routes.commandsUntilStdinCloses();
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

    static final class ForwardServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
            req.getRequestDispatcher("/act" + req.getPathInfo()).forward(new HttpServletRequestWrapper(req), res);
        }
    }

    /** Every path of the {@link Routes} on jakarta.servlet: {@code /async/} in {@code AsyncContext.start}, the others as {@link Routes#get} answers. */
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
