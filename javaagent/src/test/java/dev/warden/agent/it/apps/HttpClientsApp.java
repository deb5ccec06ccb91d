package dev.warden.agent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A plain application (no Warden code) that calls a server with every supported HTTP client:
 * for each client an allowed GET ({@code /ok/C}), a denied POST with a body ({@code /denied/C})
 * and a GET that the server redirects to a denied path ({@code /redirect/C}). Prints one line per
 * call: {@code C ok: 200} or {@code C denied: <exception class> blocked=<is WardenBlocked>}.
 * Arguments: the server's base URL, then the clients to run (all when none).
 */
public final class HttpClientsApp {
    static final List<String> ALL = List.of("jdk-send", "jdk-async", "urlconnection", "apache4", "apache5", "okhttp", "okhttp-async");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String> clients = args.length > 1 ? List.of(args).subList(1, args.length) : ALL;
        for (String client : clients) {
            call(client, "ok", base + "/ok/" + client, false);
            call(client, "denied", base + "/denied/" + client + "?token=s3cret&user=bob", true);
            call(client, "redirect", base + "/redirect/" + client, false);
        }
        System.out.println("done: " + clients.size());
        System.exit(0);
    }

    static void call(String client, String label, String url, boolean post) {
        String result;
        try {
            result = Integer.toString(send(client, url, post));
        } catch (Throwable t) {
            Throwable c = unwrap(t);
            result = c.getClass().getName() + " blocked=" + Blocked.is(c);
        }
        System.out.println(client + " " + label + ": " + result);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof java.util.concurrent.CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static int send(String client, String url, boolean post) throws Exception {
        byte[] body = "amount=100".getBytes(StandardCharsets.UTF_8);
        switch (client) {
            case "jdk-send": {
                HttpClient c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
                if (post) {
                    b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
                }
                return c.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            }
            case "jdk-async": {
                HttpClient c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
                if (post) {
                    b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
                }
                CompletableFuture<HttpResponse<String>> f = c.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
                return f.get(30, TimeUnit.SECONDS).statusCode();
            }
            case "urlconnection": {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                if (post) {
                    c.setDoOutput(true);
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(body);
                    }
                }
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
                return c.getResponseCode();
            }
            case "apache4": {
                try (org.apache.http.impl.client.CloseableHttpClient c = org.apache.http.impl.client.HttpClients.createDefault()) {
                    org.apache.http.client.methods.HttpRequestBase r;
                    if (post) {
                        org.apache.http.client.methods.HttpPost p = new org.apache.http.client.methods.HttpPost(url);
                        p.setEntity(new org.apache.http.entity.ByteArrayEntity(body));
                        r = p;
                    } else {
                        r = new org.apache.http.client.methods.HttpGet(url);
                    }
                    try (org.apache.http.client.methods.CloseableHttpResponse resp = c.execute(r)) {
                        return resp.getStatusLine().getStatusCode();
                    }
                }
            }
            case "apache5": {
                try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient c = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                    org.apache.hc.client5.http.classic.methods.HttpUriRequestBase r = post
                            ? new org.apache.hc.client5.http.classic.methods.HttpPost(url)
                            : new org.apache.hc.client5.http.classic.methods.HttpGet(url);
                    if (post) {
                        r.setEntity(new org.apache.hc.core5.http.io.entity.ByteArrayEntity(body, org.apache.hc.core5.http.ContentType.TEXT_PLAIN));
                    }
                    return c.execute(r, response -> response.getCode());
                }
            }
            case "okhttp":
            case "okhttp-async": {
                okhttp3.OkHttpClient c = new okhttp3.OkHttpClient();
                okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(url);
                if (post) {
                    b.post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("text/plain")));
                }
                try {
                    if (client.equals("okhttp")) {
                        try (okhttp3.Response r = c.newCall(b.build()).execute()) {
                            return r.code();
                        }
                    }
                    CompletableFuture<Integer> f = new CompletableFuture<>();
                    c.newCall(b.build()).enqueue(new okhttp3.Callback() {
                        @Override
                        public void onFailure(okhttp3.Call call, IOException e) {
                            f.completeExceptionally(e);
                        }

                        @Override
                        public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                            try (response) {
                                f.complete(response.code());
                            }
                        }
                    });
                    return f.get(30, TimeUnit.SECONDS);
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
