package dev.warden.agent.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plain application (no Warden code) that sends requests carrying credentials with every HTTP
 * client: {@code /headers/C} (with {@code Authorization}, {@code Cookie} and {@code X-Keep}) and
 * {@code /pay/C}. Prints one line per call: {@code C label: <response body>} or the exception and
 * whether it is a Warden block. Arguments: the headers base URL, the payments base URL.
 */
public final class HttpModifyApp {
    static final List<String> CLIENTS = List.of("jdk-send", "jdk-async", "urlconnection", "apache4", "apache5", "okhttp");

    public static void main(String[] args) throws Exception {
        for (String client : CLIENTS) {
            call(client, "headers", args[0] + "/headers/" + client);
            call(client, "pay", args[1] + "/pay/" + client);
        }
        System.out.println("done: modify");
        System.exit(0);
    }

    static void call(String client, String label, String url) {
        String result;
        try {
            result = send(client, url);
        } catch (Throwable t) {
            Throwable c = HttpClientsApp.unwrap(t);
            result = c.getClass().getName() + " blocked=" + Blocked.is(c);
        }
        System.out.println(client + " " + label + ": " + result);
    }

    static String send(String client, String url) throws Exception {
        String[][] headers = {{"Authorization", "Bearer s3cret"}, {"Cookie", "sid=s3cret"}, {"X-Keep", "yes"}};
        switch (client) {
            case "jdk-send":
            case "jdk-async": {
                HttpClient c = HttpClient.newHttpClient();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
                for (String[] h : headers) {
                    b.header(h[0], h[1]);
                }
                if (client.equals("jdk-send")) {
                    return c.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
                }
                return c.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS).body();
            }
            case "urlconnection": {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                for (String[] h : headers) {
                    c.setRequestProperty(h[0], h[1]);
                }
                try (InputStream in = c.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            case "apache4": {
                try (org.apache.http.impl.client.CloseableHttpClient c = org.apache.http.impl.client.HttpClients.createDefault()) {
                    org.apache.http.client.methods.HttpGet r = new org.apache.http.client.methods.HttpGet(url);
                    for (String[] h : headers) {
                        r.setHeader(h[0], h[1]);
                    }
                    try (org.apache.http.client.methods.CloseableHttpResponse resp = c.execute(r)) {
                        return org.apache.http.util.EntityUtils.toString(resp.getEntity());
                    }
                }
            }
            case "apache5": {
                try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient c = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                    org.apache.hc.client5.http.classic.methods.HttpGet r = new org.apache.hc.client5.http.classic.methods.HttpGet(url);
                    for (String[] h : headers) {
                        r.setHeader(h[0], h[1]);
                    }
                    return c.execute(r, response -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity()));
                }
            }
            case "okhttp": {
                okhttp3.OkHttpClient c = new okhttp3.OkHttpClient();
                okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(url);
                for (String[] h : headers) {
                    b.header(h[0], h[1]);
                }
                try (okhttp3.Response r = c.newCall(b.build()).execute()) {
                    return r.body().string();
                } finally {
                    c.dispatcher().executorService().shutdown();
                    c.connectionPool().evictAll();
                }
            }
            default:
                throw new IllegalArgumentException(client);
        }
    }
}
