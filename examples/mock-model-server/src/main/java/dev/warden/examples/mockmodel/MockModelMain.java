package dev.warden.examples.mockmodel;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link ScriptedModelServer} as its own process.
 *
 * <pre>
 * java -jar examples/mock-model-server/target/mock-model-server.jar --script FILE [--port P] [--loop]
 * </pre>
 *
 * Contract (relied on by the demo and by forked-JVM tests): once the server accepts connections it
 * prints exactly one line, {@code listening on http://127.0.0.1:P}, to stdout; clients use
 * {@code http://127.0.0.1:P/v1} as their OpenAI base URL and {@code GET http://127.0.0.1:P/script/state}
 * for what the model was told. It runs until killed (SIGTERM/SIGINT close it). Bad arguments or a bad
 * script print one line to stderr and exit 2.
 *
 * <p>Single-threaded main; the server has its own threads.
 */
public final class MockModelMain {

    private MockModelMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        Path script = null;
        boolean loop = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = parsePort(value(args, i++));
                case "--script" -> script = Path.of(value(args, i++));
                case "--loop" -> loop = true;
                case "-h", "--help" -> {
                    System.out.println("usage: mock-model-server --script FILE [--port P] [--loop]");
                    return;
                }
                default -> fail("unknown argument " + args[i] + " (usage: --script FILE [--port P] [--loop])");
            }
        }
        if (script == null) {
            fail("--script FILE is required (a JSON or YAML script; see ScriptFiles)");
        }
        ScriptedModelServer server;
        try {
            server = ScriptedModelServer.start(ScriptFiles.read(script), port, loop);
        } catch (ScriptFiles.ScriptException e) {
            fail(e.getMessage());
            return;
        } catch (BindException e) {
            fail("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            fail("cannot start the server: " + e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mock-model-shutdown"));
        System.out.println("listening on " + server.rootUrl());
        System.out.flush();
        stopped.await();
    }

    static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            fail(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            fail("--port must be a number from 0 to 65535, not " + s);
            return -1;
        }
    }

    static void fail(String message) {
        System.err.println("mock-model-server: " + message);
        System.exit(2);
    }
}
