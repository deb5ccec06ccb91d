package dev.warden.examples.world;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.examples.mockmodel.Script;
import dev.warden.examples.mockmodel.ScriptFiles;
import dev.warden.examples.mockmodel.ScriptedModelServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The world the refund agent acts on, hosted in one process separate from the agent: the scripted
 * model ({@link ScriptedModelServer}), the {@link PaymentsService} and the {@link MailService}, all on
 * 127.0.0.1.
 *
 * <pre>
 * java -jar examples/demo-world/target/demo-world.jar [--script FILE] [--model-port P] [--payments-port P]
 *      [--mail-port P] [--loop] [--exit-on-eof]
 * </pre>
 *
 * Contract (relied on by {@code ./warden demo} and forked-JVM tests; keep it stable):
 * <ul>
 *   <li>Once every server accepts connections it prints exactly one line to stdout, a JSON object:
 *       {@code {"model_url":"http://127.0.0.1:P/v1","model_state_url":"http://127.0.0.1:P/script/state",
 *       "payments_url":"http://127.0.0.1:Q","mail_url":"http://127.0.0.1:R",
 *       "refunds_url":"http://127.0.0.1:Q/refunds","messages_url":"http://127.0.0.1:R/messages"}}.
 *       Pass {@code model_url}, {@code payments_url} and {@code mail_url} to the agent as
 *       {@code --model-url}, {@code --payments-url}, {@code --mail-url}.</li>
 *   <li>{@code GET model_state_url} returns what the model was told (per tool call id: name, arguments,
 *       the tool result text, e.g. {@code Blocked by policy …}); {@code GET refunds_url} /
 *       {@code GET messages_url} list the refunds issued and the emails accepted.</li>
 *   <li>Without {@code --script} it plays the refund agent's built-in script
 *       ({@code refund-agent.script.json}, matching {@code Ticket.REFUND_DEMO}).</li>
 *   <li>It runs until killed (SIGTERM closes it) or, with {@code --exit-on-eof}, until its stdin
 *       reaches end of file, so it cannot outlive a parent that holds its stdin pipe.</li>
 *   <li>Bad arguments or a bad script: one line on stderr, exit code 2.</li>
 * </ul>
 *
 * <p>In-process use (tests): {@link #start(Script)}; close it when done. Thread-safe.
 */
public final class DemoWorld implements AutoCloseable {

    /** Classpath location of the refund agent's script. */
    public static final String REFUND_AGENT_SCRIPT = "dev/warden/examples/world/refund-agent.script.json";

    private final ScriptedModelServer model;
    private final PaymentsService payments;
    private final MailService mail;

    private DemoWorld(ScriptedModelServer model, PaymentsService payments, MailService mail) {
        this.model = model;
        this.payments = payments;
        this.mail = mail;
    }

    /** Starts the world on free ports with {@code script}. */
    public static DemoWorld start(Script script) throws IOException {
        return start(script, 0, 0, 0, false);
    }

    public static DemoWorld start(Script script, int modelPort, int paymentsPort, int mailPort, boolean loop) throws IOException {
        ScriptedModelServer model = ScriptedModelServer.start(script, modelPort, loop);
        PaymentsService payments = null;
        try {
            payments = new PaymentsService(paymentsPort);
            return new DemoWorld(model, payments, new MailService(mailPort));
        } catch (IOException | RuntimeException e) {
            model.close();
            if (payments != null) {
                payments.close();
            }
            throw e;
        }
    }

    /** The refund agent's built-in script. */
    public static Script refundAgentScript() {
        try (InputStream in = DemoWorld.class.getClassLoader().getResourceAsStream(REFUND_AGENT_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(REFUND_AGENT_SCRIPT + " is missing from the classpath");
            }
            return ScriptFiles.parse(in.readAllBytes(), REFUND_AGENT_SCRIPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ScriptFiles.ScriptException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public ScriptedModelServer model() {
        return model;
    }

    public PaymentsService payments() {
        return payments;
    }

    public MailService mail() {
        return mail;
    }

    /** The ready line: every URL a client needs, as one JSON object. */
    public String describe() {
        ObjectNode o = RecordingService.JSON.createObjectNode();
        o.put("model_url", model.baseUrl());
        o.put("model_state_url", model.rootUrl() + "/script/state");
        o.put("payments_url", payments.url());
        o.put("mail_url", mail.url());
        o.put("refunds_url", payments.url() + "/refunds");
        o.put("messages_url", mail.url() + "/messages");
        return o.toString();
    }

    @Override
    public void close() {
        model.close();
        payments.close();
        mail.close();
    }

    public static void main(String[] args) throws InterruptedException {
        Path scriptFile = null;
        int modelPort = 0;
        int paymentsPort = 0;
        int mailPort = 0;
        boolean loop = false;
        boolean exitOnEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--script" -> scriptFile = Path.of(value(args, i++));
                case "--model-port" -> modelPort = port(value(args, i++));
                case "--payments-port" -> paymentsPort = port(value(args, i++));
                case "--mail-port" -> mailPort = port(value(args, i++));
                case "--loop" -> loop = true;
                case "--exit-on-eof" -> exitOnEof = true;
                case "-h", "--help" -> {
                    System.out.println("usage: demo-world [--script FILE] [--model-port P] [--payments-port P] [--mail-port P] [--loop] [--exit-on-eof]");
                    return;
                }
                default -> fail("unknown argument " + args[i] + " (try --help)");
            }
        }
        DemoWorld world;
        try {
            Script script = scriptFile == null ? refundAgentScript() : ScriptFiles.read(scriptFile);
            world = start(script, modelPort, paymentsPort, mailPort, loop);
        } catch (ScriptFiles.ScriptException e) {
            fail(e.getMessage());
            return;
        } catch (BindException e) {
            fail("a port is taken: " + e.getMessage());
            return;
        } catch (IOException e) {
            fail("cannot start: " + e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            world.close();
            stopped.countDown();
        }, "demo-world-shutdown"));
        if (exitOnEof) {
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // drain until the parent closes the pipe
                    }
                } catch (IOException ignored) {
                    // a broken stdin means the parent is gone: exit as for EOF
                }
                System.exit(0);
            }, "demo-world-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        System.out.println(world.describe());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            fail(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail("a port must be a number from 0 to 65535, not " + s);
        return -1;
    }

    private static void fail(String message) {
        System.err.println("demo-world: " + message);
        System.exit(2);
    }
}
