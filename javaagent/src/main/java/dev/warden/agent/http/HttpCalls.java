package dev.warden.agent.http;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.CallContext;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.IdentityTable;
import dev.warden.agent.runtime.Log;
import dev.warden.agent.runtime.Reflect;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Action;
import dev.warden.rules.Hosts;
import dev.warden.rules.Kind;
import dev.warden.rules.evidence.EvidenceRecord;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Turns each HTTP client's request into an {@code http} action and each response into an
 * outcome. Every request that leaves the process is one evaluation: the first request of a call
 * and every redirect or authentication hop alike (DESIGN.md: "Every HTTP redirect hop is its own
 * evaluation").
 *
 * <p>Where a client's hops run on other threads than the caller's (JDK {@code HttpClient},
 * OkHttp {@code enqueue}), the caller's context (session, parent) is captured when the call is
 * created and looked up by identity at each hop, so sequence rules see the hop in the caller's
 * session. Thread-safe.
 */
public final class HttpCalls {
    public static final String JDK = "jdk";
    public static final String URLCONNECTION = "urlconnection";
    public static final String APACHE4 = "apache4";
    public static final String APACHE5 = "apache5";
    public static final String OKHTTP = "okhttp";

    private final Governor governor;
    /** A multi-hop call (JDK {@code MultiExchange}, OkHttp {@code RealCall}) → its caller's context and pending hop. */
    private final IdentityTable<Exchange> exchanges = new IdentityTable<>(1 << 16);
    /** An {@code HttpURLConnection} → the hop that went ahead and awaits its response. */
    private final IdentityTable<Call> connections = new IdentityTable<>(1 << 16);

    public HttpCalls(Governor governor) {
        this.governor = governor;
    }

    /** Side data of one multi-hop call. */
    private static final class Exchange {
        final CallContext context;
        /** The caller's principal (policy language 1.1), for hops that run on the client's threads. */
        final String principal;
        volatile Call pending;

        Exchange(CallContext context, String principal) {
            this.context = context;
            this.principal = principal;
        }
    }

    // ---------------------------------------------------------------- call creation (caller thread)

    public void callCreated(ThreadState ts, Object call) {
        dev.warden.agent.principal.PrincipalSource ps = governor.principals;
        exchanges.put(call, new Exchange(ts.context(), ps == null ? null : ps.current()));
    }

    // ---------------------------------------------------------------- JDK java.net.http

    /** {@code MultiExchange.requestFilters(request)}: one hop of a JDK client call. */
    public Object jdkRequest(ThreadState ts, Object exchange, Object request) {
        Exchange ex = exchanges.get(exchange);
        HttpRequest req = (HttpRequest) request;
        URI uri = req.uri();
        Governor.begin(ts);
        fill(ts, JDK, req.method(), uri.getScheme(), hostOf(uri), uri.getPort(), uri.getRawPath(), uri.getRawQuery());
        if (ex != null) {
            ts.action.principal(ex.principal);
        }
        Object r = governor.decide(ts, Family.HTTP, ex == null ? null : ex.context, false);
        r = modify(ts, r, JDK, request, null);
        if (r instanceof Call && ex != null) {
            Call previous = ex.pending;
            if (previous != null) {
                governor.finish(previous, "ok", "followed by another request");
            }
            ex.pending = (Call) r;
        }
        return r;
    }

    /** {@code MultiExchange.responseFilters(response)}: the pending hop got its response. */
    public void jdkResponse(Object exchange, int status) {
        Exchange ex = exchanges.get(exchange);
        if (ex != null) {
            Call c = ex.pending;
            ex.pending = null;
            if (c != null) {
                governor.finish(c, "ok", statusText(status));
            }
        }
    }

    /** {@code MultiExchange.responseAsync} returned the call's future: record a failed hop when it fails. */
    public void jdkCompleted(Object exchange, Object future) {
        Exchange ex = exchanges.get(exchange);
        if (ex == null || !(future instanceof CompletableFuture)) {
            return;
        }
        ((CompletableFuture<?>) future).whenComplete((value, thrown) -> {
            Call c = ex.pending;
            ex.pending = null;
            if (c != null) {
                if (nothingSent(thrown)) {
                    governor.finishWithoutEffect(c, causeName(thrown));
                } else {
                    governor.finish(c, thrown == null ? "ok" : "error", thrown == null ? null : causeName(thrown));
                }
            }
            exchanges.remove(exchange);
        });
    }

    // ---------------------------------------------------------------- HttpURLConnection

    /** {@code plainConnect0()}: the connection (or a redirect hop of it) is about to connect. */
    public Object connection(ThreadState ts, Object connection) {
        if (ts.inside(Family.HTTP)) {
            return null; // made by another governed client call on this thread (e.g. an OCSP fetch)
        }
        Call previous = connections.remove(connection);
        if (previous != null) {
            governor.finish(previous, "ok", "followed by another request");
        }
        java.net.HttpURLConnection conn = (java.net.HttpURLConnection) connection;
        URL url = conn.getURL();
        Governor.begin(ts);
        fill(ts, URLCONNECTION, conn.getRequestMethod(), url.getProtocol(), url.getHost(), url.getPort(), url.getPath(), url.getQuery());
        Object r = governor.decide(ts, Family.HTTP, null, false);
        r = modify(ts, r, URLCONNECTION, connection, null);
        if (r instanceof Call) {
            connections.put(connection, (Call) r);
        }
        return r;
    }

    /** {@code getInputStream()} returned or threw, or {@code followRedirect()} began. */
    public void connectionResponse(Object connection, int responseCode, Throwable thrown) {
        if (thrown == null && responseCode <= 0) {
            // getResponseCode() re-enters getInputStream() before it has parsed the status line
            return;
        }
        Call c = connections.remove(connection);
        if (c == null) {
            return;
        }
        String detail = responseCode > 0 ? statusText(responseCode) : null;
        if (thrown != null) {
            detail = detail == null ? causeName(thrown) : detail + " (" + causeName(thrown) + ")";
        }
        if (responseCode <= 0 && nothingSent(thrown)) {
            governor.finishWithoutEffect(c, detail);
            return;
        }
        governor.finish(c, thrown == null ? "ok" : "error", detail);
    }

    // ---------------------------------------------------------------- library clients

    /** One request of Apache HttpClient 4/5 or OkHttp, as their hooks pass it (see {@link Bridge}). */
    public Object request(ThreadState ts, int client, Object a, Object b) throws ReflectiveOperationException {
        if (ts.inside(Family.HTTP)) {
            return null;
        }
        Governor.begin(ts);
        CallContext context = null;
        switch (client) {
            case Bridge.APACHE4: {
                Object host = Reflect.call(a, "getTargetHost");
                Object line = Reflect.call(b, "getRequestLine");
                fillWithTarget(ts, APACHE4, (String) Reflect.call(line, "getMethod"), host, (String) Reflect.call(line, "getUri"));
                break;
            }
            case Bridge.APACHE5: {
                Object route = Reflect.field(b, "route");
                Object host = Reflect.call(route, "getTargetHost");
                fillWithTarget(ts, APACHE5, (String) Reflect.call(a, "getMethod"), host, (String) Reflect.call(a, "getPath"));
                break;
            }
            case Bridge.APACHE5_MINIMAL: {
                fillWithTarget(ts, APACHE5, (String) Reflect.call(b, "getMethod"), a, (String) Reflect.call(b, "getPath"));
                break;
            }
            case Bridge.OKHTTP: {
                Object request = Reflect.call(a, "request");
                Object url = Reflect.call(request, "url");
                fill(ts, OKHTTP, (String) Reflect.call(request, "method"), (String) Reflect.call(url, "scheme"),
                        (String) Reflect.call(url, "host"), Reflect.intOf(url, "port", -1),
                        (String) Reflect.call(url, "encodedPath"), (String) Reflect.call(url, "encodedQuery"));
                Exchange ex = exchanges.get(Reflect.call(a, "call"));
                context = ex == null ? null : ex.context;
                if (ex != null) {
                    ts.action.principal(ex.principal);
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown HTTP client " + client);
        }
        Object r = governor.decide(ts, Family.HTTP, context, true);
        if (r instanceof Call) {
            ((Call) r).kindOfCall = client;
            if (client == Bridge.APACHE4) {
                r = modify(ts, r, APACHE4, b, a);
            } else if (client == Bridge.APACHE5) {
                r = modify(ts, r, APACHE5, a, b);
            } else if (client == Bridge.APACHE5_MINIMAL) {
                r = modify(ts, r, APACHE5, b, null);
            } else {
                r = modify(ts, r, OKHTTP, a, null);
            }
        }
        return r;
    }

    /**
     * Applies a MODIFY decision to the request before it leaves (see {@link HttpModify}). When
     * the change cannot be made the request must not leave unchanged (it may carry credentials
     * a rule strips): the call is recorded as failed and blocked.
     */
    private Object modify(ThreadState ts, Object r, String client, Object request, Object route) {
        if (!(r instanceof Call)) {
            return r;
        }
        HttpModify.Edits e = HttpModify.of(ts.decision, ts.action);
        if (e == null) {
            return r;
        }
        String problem = null;
        try {
            switch (client) {
                case JDK:
                    HttpModify.jdk(request, e);
                    break;
                case URLCONNECTION:
                    HttpModify.urlConnection(request, e);
                    break;
                case APACHE4:
                case APACHE5:
                    if (e.redirectHost != null && route == null) {
                        // MinimalHttpClient: the target is a caller's HttpHost argument, not a per-request route
                        problem = "redirect is not supported for " + client + " MinimalHttpClient";
                    } else {
                        HttpModify.apache(request, e, client.equals(APACHE5));
                        if (e.redirectHost != null) {
                            if (client.equals(APACHE5)) {
                                HttpModify.apache5Redirect(route, request, e.redirectHost);
                            } else {
                                HttpModify.apache4Redirect(route, request, e.redirectHost);
                            }
                        }
                    }
                    break;
                case OKHTTP:
                    HttpModify.okhttp(request, e);
                    break;
                default:
                    problem = "modify is not supported for " + client;
            }
        } catch (ReflectiveOperationException | RuntimeException ex) {
            problem = ex.toString();
        }
        if (problem == null) {
            return r;
        }
        Log.once("modify:" + client + problem, "could not modify a " + client + " request (" + problem + "); such requests are blocked");
        governor.evaluator().release(ts.action, ts.decision); // blocked before any byte left
        Throwable blocked = Governor.blocked(Family.HTTP, "Blocked by Warden: the policy's modification could not be applied (" + problem + ")", null);
        governor.exit(r, null, -1, blocked);
        return blocked;
    }

    /** The exit of a library client's request: its response's status, or what it threw. */
    public void outcome(Call c, Object response, Throwable thrown) {
        if (thrown != null) {
            if (nothingSent(thrown)) {
                governor.finishWithoutEffect(c, causeName(thrown));
            } else {
                governor.finish(c, "error", causeName(thrown));
            }
            return;
        }
        int status = -1;
        if (response != null) {
            try {
                switch (c.kindOfCall) {
                    case Bridge.APACHE4:
                        status = Reflect.intOf(Reflect.call(response, "getStatusLine"), "getStatusCode", -1);
                        break;
                    case Bridge.APACHE5:
                    case Bridge.APACHE5_MINIMAL:
                        status = Reflect.intOf(response, "getCode", -1);
                        break;
                    case Bridge.OKHTTP:
                        status = Reflect.intOf(response, "code", -1);
                        break;
                    default:
                        break;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                status = -1;
            }
        }
        governor.finish(c, "ok", status > 0 ? statusText(status) : null);
    }

    // ---------------------------------------------------------------- action building

    private void fillWithTarget(ThreadState ts, String client, String method, Object httpHost, String pathOrUri) throws ReflectiveOperationException {
        if (pathOrUri != null && pathOrUri.indexOf("://") > 0) {
            // an absolute request URI (sent through a proxy): it names the target itself
            URI uri = URI.create(pathOrUri);
            fill(ts, client, method, uri.getScheme(), hostOf(uri), uri.getPort(), uri.getRawPath(), uri.getRawQuery());
            return;
        }
        String scheme = httpHost == null ? null : (String) Reflect.call(httpHost, "getSchemeName");
        String host = httpHost == null ? null : (String) Reflect.call(httpHost, "getHostName");
        int port = httpHost == null ? -1 : Reflect.intOf(httpHost, "getPort", -1);
        String path = pathOrUri;
        String query = null;
        if (path != null) {
            int q = path.indexOf('?');
            if (q >= 0) {
                query = path.substring(q + 1);
                path = path.substring(0, q);
            }
            int hash = path.indexOf('#');
            if (hash >= 0) {
                path = path.substring(0, hash);
            }
        }
        fill(ts, client, method, scheme, host, port, path, query);
    }

    /**
     * Fills the action and the record's target and attributes. The URL kept for policy and
     * evidence is rebuilt from its parts: no userinfo, no fragment, query names without values.
     */
    static void fill(ThreadState ts, String client, String method, String scheme, String rawHost, int port,
                     String rawPath, String rawQuery) {
        String m = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        String s = scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT);
        String host = Hosts.normalize(rawHost == null ? "" : rawHost);
        int effectivePort = port > 0 ? port : defaultPort(s);
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        StringBuilder sb = ts.text;
        redactedUrlInto(sb, s, host, port > 0 && port != defaultPort(s) ? port : -1, path, rawQuery);
        // the same URL and method as this thread's previous request (the common case: an agent
        // calls a few endpoints again and again): reuse its strings instead of building new ones
        String url;
        String target;
        TextCache cache = TextCache.of(ts);
        if (cache.url != null && cache.url.contentEquals(sb)) {
            url = cache.url;
            target = m.equals(cache.method) ? cache.target : null;
        } else {
            url = sb.toString();
            cache.url = url;
            target = null;
        }
        if (target == null) {
            target = m + " " + url;
            cache.method = m;
            cache.target = target;
        }

        Action a = ts.action;
        a.kind(Kind.HTTP).method(m).scheme(s).host(host).port(effectivePort).path(path).url(url).client(client);

        EvidenceRecord r = ts.record;
        r.target = target;
        // scheme, query names and the full URL are in the target
        r.attributes.put("method", m);
        r.attributes.put("host", host);
        r.attributes.put("port", port > 0 ? cache.portText(port) : defaultPortText(s));
        r.attributes.put("path", path);
        r.attributes.put("client", client);
    }

    static String redactedUrl(StringBuilder sb, String scheme, String host, int explicitPort, String path, String rawQuery) {
        redactedUrlInto(sb, scheme, host, explicitPort, path, rawQuery);
        return sb.toString();
    }

    /** Per-thread text of the previous request (URL, method, target, port), kept in the thread's scratch slot. */
    static final class TextCache {
        String url;
        String method;
        String target;
        int port = -1;
        String portText;

        static TextCache of(ThreadState ts) {
            Object o = ts.scratch(ThreadState.SCRATCH_HTTP);
            if (o instanceof TextCache) {
                return (TextCache) o;
            }
            TextCache c = new TextCache();
            ts.scratch(ThreadState.SCRATCH_HTTP, c);
            return c;
        }

        String portText(int p) {
            if (p != port || portText == null) {
                portText = Integer.toString(p);
                port = p;
            }
            return portText;
        }
    }

    private static final String[] STATUS_TEXT = new String[600];

    /** {@code "HTTP <status>"}, shared for the status codes HTTP defines (100-599). */
    static String statusText(int status) {
        if (status < 100 || status >= STATUS_TEXT.length) {
            return "HTTP " + status;
        }
        String t = STATUS_TEXT[status];
        if (t == null) {
            t = "HTTP " + status; // a benign race: equal strings
            STATUS_TEXT[status] = t;
        }
        return t;
    }

    static void redactedUrlInto(StringBuilder sb, String scheme, String host, int explicitPort, String path, String rawQuery) {
        sb.setLength(0);
        sb.append(scheme).append("://");
        if (host.indexOf(':') >= 0) {
            sb.append('[').append(host).append(']');
        } else {
            sb.append(host);
        }
        if (explicitPort > 0) {
            sb.append(':').append(explicitPort);
        }
        sb.append(path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            sb.append('?');
            int n = rawQuery.length();
            int start = 0;
            boolean first = true;
            while (start <= n) {
                int amp = rawQuery.indexOf('&', start);
                int end = amp < 0 ? n : amp;
                int eq = rawQuery.indexOf('=', start);
                int nameEnd = eq >= 0 && eq < end ? eq : end;
                if (nameEnd > start) {
                    if (!first) {
                        sb.append('&');
                    }
                    sb.append(rawQuery, start, nameEnd);
                    if (eq >= 0 && eq < end) {
                        sb.append('=');
                    }
                    first = false;
                }
                start = end + 1;
            }
        }
    }

    private static String defaultPortText(String scheme) {
        int p = defaultPort(scheme);
        return p == 443 ? "443" : p == 80 ? "80" : "-1";
    }

    static int defaultPort(String scheme) {
        switch (scheme) {
            case "https":
            case "wss":
                return 443;
            case "http":
            case "ws":
                return 80;
            default:
                return -1;
        }
    }

    /** The host of a URI even where {@code URI.getHost()} gives up (underscores, odd registries). */
    static String hostOf(URI uri) {
        String h = uri.getHost();
        if (h != null) {
            return h;
        }
        String auth = uri.getRawAuthority();
        if (auth == null) {
            return null;
        }
        int at = auth.lastIndexOf('@');
        if (at >= 0) {
            auth = auth.substring(at + 1);
        }
        if (auth.startsWith("[")) {
            int close = auth.indexOf(']');
            return close > 0 ? auth.substring(0, close + 1) : auth;
        }
        int colon = auth.lastIndexOf(':');
        return colon >= 0 ? auth.substring(0, colon) : auth;
    }

    /**
     * True when {@code t} proves that no byte of the request left the process: the connection
     * was never established (refused, no route, unknown host, connect timeout), or Warden blocked
     * the request itself. A timeout or reset after connecting proves nothing.
     */
    static boolean nothingSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException || c instanceof java.net.NoRouteToHostException
                    || c instanceof java.net.UnknownHostException || c instanceof java.net.http.HttpConnectTimeoutException
                    || c instanceof dev.warden.agent.bootstrap.WardenBlocked) {
                return true;
            }
        }
        return false;
    }

    static String causeName(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getClass().getName();
    }
}
