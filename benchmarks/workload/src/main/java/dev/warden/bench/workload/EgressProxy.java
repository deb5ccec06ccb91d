package dev.warden.bench.workload;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The egress proxy of the harness's {@code proxy} variant: Jetty 12's forward proxy
 * ({@code org.eclipse.jetty.proxy.ProxyHandler.Forward}, Maven Central {@code org.eclipse.jetty:jetty-proxy})
 * behind a host allowlist — the control an infrastructure team puts in front of a JVM today without
 * touching its code. A request for a host not on the list is answered {@code 403} and never forwarded.
 * It sees only HTTP: tool calls and SQL pass it by, and it cannot tell a tool's request from the
 * model's.
 *
 * <p>Run: {@code java -cp overhead-workload.jar dev.warden.bench.workload.EgressProxy HOST[,HOST...]}
 * ({@code *.suffix} entries match subdomains). Prints {@code proxy-port: N} once it accepts
 * connections, and stops when its standard input ends, printing how many requests it forwarded and
 * refused. Jetty's threads serve requests; the allowlist
 * is immutable and read by any of them.
 */
public final class EgressProxy {
    /** Lets through only requests whose target host is on the list. Thread-safe (immutable list, atomic counters). */
    static final class Allowlist extends Handler.Wrapper {
        private final List<String> hosts;
        final LongAdder forwarded = new LongAdder();
        final LongAdder refused = new LongAdder();

        Allowlist(List<String> hosts, Handler next) {
            super(next);
            this.hosts = List.copyOf(hosts);
        }

        boolean allows(String host) {
            if (host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            for (String allowed : hosts) {
                if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String host = request.getHttpURI().getHost();
            if (!allows(host)) {
                refused.increment();
                Response.writeError(request, response, callback, 403, "egress to " + host + " is not on the allowlist");
                return true;
            }
            forwarded.increment();
            return super.handle(request, response, callback);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || args[0].isBlank()) {
            System.err.println("egress-proxy: expected one argument, the allowed hosts (comma-separated)");
            System.exit(2);
            return;
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("egress-proxy");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // keep idle client connections as long as the services do (see World): no reuse race on a closing connection
        connector.setIdleTimeout(3_600_000);
        server.addConnector(connector);
        Allowlist allowlist = new Allowlist(List.of(args[0].split(",")), new ProxyHandler.Forward());
        server.setHandler(allowlist);
        server.start();
        System.out.println("proxy-port: " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the harness closes our standard input
        }
        server.stop();
        System.out.println("forwarded: " + allowlist.forwarded.sum());
        System.out.println("refused: " + allowlist.refused.sum());
    }
}
