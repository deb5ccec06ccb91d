package com.acme.payments;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A plain application (no Warden code; outside {@code dev.warden}, which the agent never instruments) whose {@link #refund} method is declared a custom tool in
 * the agent's config: it POSTs the refund to a payments URL with {@code HttpURLConnection} on the
 * calling thread. Arguments: one {@code url=amount} pair per refund, in order; prints
 * {@code refund N: <body>} or {@code refund N: <exception> blocked=<true|false>}.
 */
public final class RefundGateway {
    public static String refund(String url, double amount) throws IOException {
        System.out.println("tool ran: refund " + amount);
        HttpURLConnection c = (HttpURLConnection) new URL(url + "?amount=" + amount).openConnection();
        c.setRequestMethod("POST");
        c.setConnectTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) {
        for (int i = 0; i < args.length; i++) {
            int eq = args[i].lastIndexOf('=');
            String result;
            try {
                result = refund(args[i].substring(0, eq), Double.parseDouble(args[i].substring(eq + 1)));
            } catch (Exception e) {
                result = e.getClass().getName() + " blocked=" + dev.warden.agent.it.apps.Blocked.is(e);
            }
            System.out.println("refund " + (i + 1) + ": " + result);
        }
        System.exit(0);
    }
}
