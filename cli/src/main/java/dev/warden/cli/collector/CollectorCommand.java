package dev.warden.cli.collector;

import dev.warden.cli.Main;
import dev.warden.collector.Collector;
import dev.warden.collector.CollectorKeys;
import dev.warden.collector.Tokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code warden collector}: runs the collector until interrupted (Ctrl-C / SIGTERM). */
@Command(name = "collector", description = "Run the evidence collector (Aeron ingest, audit store, HTTP API).")
public final class CollectorCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where agents ship evidence (UDP; default 127.0.0.1:7600; 0.0.0.0:7600 for remote agents)")
    String listen = "127.0.0.1:7600";

    @Option(names = "--store", paramLabel = "DIR", description = "the audit store (default ./warden-store)")
    Path store = Path.of("warden-store");

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "the HTTP API (default 127.0.0.1:8181; 'off' to disable)")
    String http = "127.0.0.1:8181";

    @Option(names = "--admin-token", paramLabel = "TOKEN", description = "the admin bearer token (default: generated on first start, kept in STORE/http-tokens)")
    String adminToken;

    @Option(names = "--approver", paramLabel = "NAME", split = ",", description = "create a bearer token for each named approver")
    List<String> approvers = new ArrayList<>();

    @Option(names = "--retention-days", description = "keep records this many days (default 400)")
    long retentionDays = 400;

    @Option(names = "--max-store-size", paramLabel = "SIZE", description = "size cap, e.g. 50g, 500m (default 50g; 0 = none)")
    String maxSize = "50g";

    @Override
    public Integer call() throws Exception {
        Collector.Config c = new Collector.Config();
        String[] l = hostPort(listen, "--listen");
        c.listenHost = l[0];
        c.listenPort = Integer.parseInt(l[1]);
        c.store = store;
        if (http.equals("off")) {
            c.httpPort = -1;
        } else {
            String[] h = hostPort(http, "--http");
            c.httpHost = h[0];
            c.httpPort = Integer.parseInt(h[1]);
        }
        c.adminToken = adminToken;
        c.approvers = approvers;
        c.retentionDays = retentionDays;
        c.maxStoreBytes = parseSize(maxSize);
        Collector col;
        try {
            col = Collector.start(c);
        } catch (IOException | IllegalArgumentException e) {
            throw new Main.UserError("collector: " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(col::close, "warden-collector-shutdown"));
        System.err.println("warden collector: listening on udp " + listen + ", store " + store.toAbsolutePath()
                + (c.httpPort >= 0 ? ", http " + c.httpHost + ":" + col.httpPort() : "")
                + "; tokens in " + store.resolve(Tokens.FILE) + ", signing key " + store.resolve(CollectorKeys.SIGNING_PUBLIC)
                + ", order key (agents: policy-key=) " + col.orderPublicKey().toAbsolutePath());
        col.awaitStop();
        return col.failure() == null ? 0 : 1;
    }

    static String[] hostPort(String s, String option) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}")) {
            throw new Main.UserError(option + " " + s + ": expected HOST:PORT, e.g. 127.0.0.1:7600");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, s.substring(colon + 1)};
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k")) {
            mult = 1L << 10;
        } else if (t.endsWith("m")) {
            mult = 1L << 20;
        } else if (t.endsWith("g")) {
            mult = 1L << 30;
        } else if (t.endsWith("t")) {
            mult = 1L << 40;
        }
        try {
            return Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult;
        } catch (NumberFormatException e) {
            throw new Main.UserError("--max-store-size " + s + ": expected a size such as 500m or 50g");
        }
    }
}
