package dev.warden.bench.workload;

import dev.warden.examples.mockmodel.Script;
import dev.warden.examples.mockmodel.ScriptedModelServer;
import dev.warden.examples.world.MailService;
import dev.warden.examples.world.PaymentsService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The services the overhead workload talks to, in a JVM of their own so that the measured JVM holds
 * only the application: one scripted model server per workload thread (the mock model keeps one
 * conversation position per server, so concurrent conversations need a server each), the example's
 * payments service and mail service, all on 127.0.0.1.
 *
 * <p>Every model server loops over two turns: ask for {@code lookupCustomer} of C-17, then answer with
 * a fixed text — one agent step per AI-service call.
 *
 * <p>Run: {@code java -cp overhead-workload.jar dev.warden.bench.workload.World MODELS}. Prints
 * {@code model-urls: U1,U2,...}, {@code payments-url: U}, {@code mail-url: U}, then {@code ready};
 * stops when its standard input ends (the harness holds it), so it cannot outlive the harness.
 * Single-threaded main; the servers run on their own daemon threads.
 */
public final class World {
    /** The model's final answer of every agent step. */
    static final String ANSWER = "Looked up customer C-17.";

    /** The model's side of one agent step. */
    static Script lookupScript() {
        return Script.builder()
                .toolCalls(Script.call("lookupCustomer", "{\"id\":\"C-17\"}"))
                // a fixed answer: in a looping script {{results}} would join the results of every earlier pass
                .text(ANSWER)
                .build();
    }

    public static void main(String[] args) throws Exception {
        int models;
        try {
            models = Integer.parseInt(args.length > 0 ? args[0] : "8");
        } catch (NumberFormatException e) {
            System.err.println("world: expected the number of model servers, not " + args[0]);
            System.exit(2);
            return;
        }
        // without TCP_NODELAY the JDK server's small responses wait for the client's delayed ACK (~40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // the JDK server drops connections idle for 30 s, while the JDK client keeps them 20 minutes: a thread's
        // model connection idles that long while another kind is measured, and a POST on a connection the
        // server is closing fails ("header parser received no bytes") instead of being retried
        System.setProperty("sun.net.httpserver.idleInterval", "3600");
        List<ScriptedModelServer> servers = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            servers.add(ScriptedModelServer.start(lookupScript(), 0, true));
        }
        PaymentsService payments = new PaymentsService(0);
        MailService mail = new MailService(0);
        System.out.println("model-urls: " + servers.stream().map(ScriptedModelServer::baseUrl).collect(Collectors.joining(",")));
        System.out.println("payments-url: " + payments.url());
        System.out.println("mail-url: " + mail.url());
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the harness closes our standard input
        }
        for (ScriptedModelServer s : servers) {
            List<String> errors = s.errors();
            if (!errors.isEmpty()) {
                System.err.println("world: model server " + s.baseUrl() + " saw protocol errors: " + errors.get(0));
            }
            s.close();
        }
        payments.close();
        mail.close();
    }
}
