package dev.warden.agent.it.apps;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plain application (no Warden code): one JDK {@code HttpClient} makes {@code N} sequential
 * {@code send} POSTs with a JSON body, then {@code N} sequential {@code sendAsync} POSTs, to one
 * URL. Prints {@code send: <statuses>} and {@code async: <statuses>} (the distinct status codes).
 * Arguments: the URL, then N. Runs on its main thread only.
 */
public final class JdkReuseApp {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"order\":42}")).build();
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int s = client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
            if (!sent.contains(s)) {
                sent.add(s);
            }
        }
        System.out.println("send: " + sent);
        List<Integer> async = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<HttpResponse<String>> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            int s = f.get(30, TimeUnit.SECONDS).statusCode();
            if (!async.contains(s)) {
                async.add(s);
            }
        }
        System.out.println("async: " + async);
        System.exit(0);
    }
}
