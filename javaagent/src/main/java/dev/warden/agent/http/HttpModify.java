package dev.warden.agent.http;

import dev.warden.agent.runtime.Log;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Modify;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the {@code action: modify} rules that decided an HTTP request (policy language 1.1) to
 * the request object of each hooked client, before any byte of it leaves the process: headers
 * set (values expanded with {@link Modify#expand}) or removed, and a redirect to another host.
 *
 * <p>Where a client's request is immutable at the hook (JDK {@code HttpClient}'s
 * {@code HttpRequestImpl}, {@code HttpURLConnection} once connecting) the request's own fields
 * are rewritten reflectively; the agent opens {@code jdk.internal.net.http},
 * {@code sun.net.www}, {@code sun.net.www.protocol.http} and {@code java.net} to Warden's module
 * only. Apache HttpClient 4/5 requests are changed through their public header API, their
 * redirects through the hop's route (see {@link #apache4Redirect}, {@link #apache5Redirect}),
 * OkHttp's through its own request builder and exchange finder (see {@link #okhttp}).
 *
 * <p>A redirect keeps the scheme, port, path and query and replaces only the host; the
 * redirected request is not evaluated again (the policy chose the target), and the decision's
 * evidence names it in {@code modified}. Not on the allocation-free path: runs only for requests
 * a modify rule matched. Thread-safe (the request belongs to the calling thread).
 */
final class HttpModify {
    private static final ConcurrentHashMap<String, Field> FIELDS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Method> METHODS = new ConcurrentHashMap<>();

    private HttpModify() {
    }

    /** The merged edits of every modify rule that decided, in policy order (later rules win). */
    static final class Edits {
        final Map<String, String> set = new LinkedHashMap<>();
        final List<String> remove = new ArrayList<>();
        String redirectHost;

        boolean isEmpty() {
            return set.isEmpty() && remove.isEmpty() && redirectHost == null;
        }

        boolean removes(String name) {
            for (String r : remove) {
                if (r.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            for (String s : set.keySet()) {
                if (s.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The HTTP edits of a MODIFY decision, or null when there is nothing to change. */
    static Edits of(Decision d, Action a) {
        int n = d.modifyCount();
        if (n == 0) {
            return null;
        }
        Edits e = new Edits();
        for (int i = 0; i < n; i++) {
            Modify m = d.modify(i);
            for (String h : m.removeHeaders) {
                e.set.keySet().removeIf(k -> k.equalsIgnoreCase(h));
                e.remove.add(h);
            }
            m.setHeaders.forEach((k, v) -> {
                e.set.keySet().removeIf(x -> x.equalsIgnoreCase(k));
                e.set.put(k, Modify.expand(v, a));
            });
            if (m.redirectHost != null) {
                e.redirectHost = m.redirectHost;
            }
        }
        return e.isEmpty() ? null : e;
    }

    /** JDK {@code HttpClient}: rewrites the hop's {@code HttpRequestImpl} (user headers, URI). */
    static void jdk(Object request, Edits e) throws ReflectiveOperationException {
        if (!e.set.isEmpty() || !e.remove.isEmpty()) {
            Field f = field(request.getClass(), "userHeaders");
            HttpHeaders old = (HttpHeaders) f.get(request);
            Map<String, List<String>> map = new LinkedHashMap<>();
            old.map().forEach((k, v) -> {
                if (!e.removes(k)) {
                    map.put(k, v);
                }
            });
            e.set.forEach((k, v) -> map.put(k, List.of(v)));
            f.set(request, HttpHeaders.of(map, (k, v) -> true));
        }
        if (e.redirectHost != null) {
            Field f = field(request.getClass(), "uri");
            f.set(request, withHost((URI) f.get(request), e.redirectHost));
        }
    }

    /** {@code HttpURLConnection}: the connection's request headers (both copies it keeps) and its URL. */
    static void urlConnection(Object connection, Edits e) throws ReflectiveOperationException {
        Class<?> impl = declaring(connection.getClass(), "userHeaders");
        if (impl != null && (!e.set.isEmpty() || !e.remove.isEmpty())) {
            for (String name : new String[] {"requests", "userHeaders"}) {
                Object headers = field(impl, name).get(connection);
                if (headers == null) {
                    continue;
                }
                Method remove = method(headers.getClass(), "remove", String.class);
                Method set = method(headers.getClass(), "set", String.class, String.class);
                for (String h : e.remove) {
                    remove.invoke(headers, h);
                }
                for (Map.Entry<String, String> s : e.set.entrySet()) {
                    set.invoke(headers, s.getKey(), s.getValue());
                }
            }
        } else if (impl == null) {
            Log.once("modify:urlconnection:" + connection.getClass().getName(), "cannot modify the headers of " + connection.getClass().getName());
        }
        if (e.redirectHost != null) {
            Field f = field(java.net.URLConnection.class, "url");
            URL url = (URL) f.get(connection);
            try {
                f.set(connection, withHost(url.toURI(), e.redirectHost).toURL());
            } catch (java.net.URISyntaxException | java.net.MalformedURLException bad) {
                throw new IllegalArgumentException("cannot redirect " + url + " to " + e.redirectHost, bad);
            }
        }
    }

    /** Apache HttpClient 4 ({@code org.apache.http.HttpMessage}) and 5 ({@code org.apache.hc.core5.http.HttpMessage}). */
    static void apache(Object request, Edits e, boolean five) throws ReflectiveOperationException {
        Class<?> api = Class.forName(five ? "org.apache.hc.core5.http.HttpMessage" : "org.apache.http.HttpMessage", false,
                request.getClass().getClassLoader());
        Method remove = method(api, "removeHeaders", String.class);
        for (String h : e.remove) {
            remove.invoke(request, h);
        }
        Method set = five ? method(api, "setHeader", String.class, Object.class) : method(api, "setHeader", String.class, String.class);
        for (Map.Entry<String, String> s : e.set.entrySet()) {
            set.invoke(request, s.getKey(), s.getValue());
        }
    }

    /**
     * OkHttp: the interceptor chain's request (at {@code BridgeInterceptor}, before the network
     * interceptors and the connection) is replaced by a copy built with the public
     * {@code Request.Builder}. A redirect also gives it the new host ({@code HttpUrl.Builder.host})
     * and gives the call a new exchange finder for that URL
     * ({@code RealCall.enterNetworkInterceptorExchange(request, true)}, what OkHttp itself does
     * for each follow-up): the connection is looked up or opened for the new address, and
     * {@code BridgeInterceptor} writes the new {@code Host} header.
     */
    static void okhttp(Object chain, Edits e) throws ReflectiveOperationException {
        Field f = field(chain.getClass(), "request");
        Object request = f.get(chain);
        Object builder = method(request.getClass(), "newBuilder").invoke(request);
        Method remove = method(builder.getClass(), "removeHeader", String.class);
        Method header = method(builder.getClass(), "header", String.class, String.class);
        for (String h : e.remove) {
            remove.invoke(builder, h);
        }
        for (Map.Entry<String, String> s : e.set.entrySet()) {
            header.invoke(builder, s.getKey(), s.getValue());
        }
        if (e.redirectHost != null) {
            Object url = method(request.getClass(), "url").invoke(request);
            Object urlBuilder = method(url.getClass(), "newBuilder").invoke(url);
            method(urlBuilder.getClass(), "host", String.class).invoke(urlBuilder, bare(e.redirectHost));
            Object newUrl = method(urlBuilder.getClass(), "build").invoke(urlBuilder);
            method(builder.getClass(), "url", url.getClass()).invoke(builder, newUrl);
        }
        Object changed = method(builder.getClass(), "build").invoke(builder);
        if (e.redirectHost != null) {
            Object call = method(chain.getClass(), "call").invoke(chain);
            method(call.getClass(), "enterNetworkInterceptorExchange", request.getClass(), boolean.class).invoke(call, changed, true);
        }
        f.set(chain, changed);
    }

    /**
     * Apache HttpClient 4 ({@code MainClientExec.execute(route, request, ...)}): the hop's
     * {@code HttpRoute} (made for this request by the route planner, before any connection is
     * requested for it) gets the new target host, scheme and port kept; the request's
     * {@code Host} header names the new target. Routes through a proxy are refused (the caller
     * blocks the request).
     */
    static void apache4Redirect(Object route, Object request, String host) throws ReflectiveOperationException {
        ClassLoader cl = route.getClass().getClassLoader();
        if (method(route.getClass(), "getProxyHost").invoke(route) != null) {
            throw new IllegalArgumentException("redirect of a request through a proxy is not supported");
        }
        Object old = method(route.getClass(), "getTargetHost").invoke(route);
        Class<?> hostType = Class.forName("org.apache.http.HttpHost", false, cl);
        int port = (Integer) method(hostType, "getPort").invoke(old);
        String scheme = (String) method(hostType, "getSchemeName").invoke(old);
        Object target = hostType.getConstructor(String.class, int.class, String.class).newInstance(bare(host), port, scheme);
        field(route.getClass(), "targetHost").set(route, target);
        Class<?> message = Class.forName("org.apache.http.HttpMessage", false, cl);
        method(message, "setHeader", String.class, String.class).invoke(request, "Host", method(hostType, "toHostString").invoke(target));
    }

    /**
     * Apache HttpClient 5 classic ({@code ConnectExec.execute(request, scope, chain)}): the
     * scope's route is replaced by a direct route to the new host (scheme, port, local address
     * and security kept, built with {@code HttpRoute}'s public constructor) before
     * {@code ConnectExec} acquires an endpoint for it; the request's authority and {@code Host}
     * header name the new target. Routes through a proxy are refused (the caller blocks).
     */
    static void apache5Redirect(Object scope, Object request, String host) throws ReflectiveOperationException {
        ClassLoader cl = scope.getClass().getClassLoader();
        Field routeField = field(scope.getClass(), "route");
        Object route = routeField.get(scope);
        Class<?> routeType = route.getClass();
        if (method(routeType, "getProxyHost").invoke(route) != null) {
            throw new IllegalArgumentException("redirect of a request through a proxy is not supported");
        }
        Class<?> hostType = Class.forName("org.apache.hc.core5.http.HttpHost", false, cl);
        Object old = method(routeType, "getTargetHost").invoke(route);
        int port = (Integer) method(hostType, "getPort").invoke(old);
        String scheme = (String) method(hostType, "getSchemeName").invoke(old);
        Object target = hostType.getConstructor(String.class, String.class, int.class).newInstance(scheme, bare(host), port);
        Object local = method(routeType, "getLocalAddress").invoke(route);
        boolean secure = (Boolean) method(routeType, "isSecure").invoke(route);
        Object newRoute = routeType.getConstructor(hostType, java.net.InetAddress.class, boolean.class).newInstance(target, local, secure);
        routeField.set(scope, newRoute);
        Class<?> authority = Class.forName("org.apache.hc.core5.net.URIAuthority", false, cl);
        Class<?> requestApi = Class.forName("org.apache.hc.core5.http.HttpRequest", false, cl);
        method(requestApi, "setAuthority", authority).invoke(request, authority.getConstructor(String.class, int.class).newInstance(bare(host), port));
        Class<?> message = Class.forName("org.apache.hc.core5.http.HttpMessage", false, cl);
        method(message, "setHeader", String.class, Object.class).invoke(request, "Host", method(hostType, "toHostString").invoke(target));
    }

    /** A host as the clients' APIs take it: IPv6 literals without brackets. */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@code uri} with only its host replaced (scheme, user info, port, path, query, fragment kept). */
    static URI withHost(URI uri, String host) {
        return URI.create(rebuild(uri, host));
    }

    private static String rebuild(URI uri, String host) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            sb.append(uri.getRawUserInfo()).append('@');
        }
        sb.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        if (uri.getPort() > 0) {
            sb.append(':').append(uri.getPort());
        }
        sb.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
            sb.append('#').append(uri.getRawFragment());
        }
        return sb.toString();
    }

    private static Class<?> declaring(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        String key = type.getName() + "#" + name;
        Field f = FIELDS.get(key);
        if (f == null) {
            Class<?> owner = declaring(type, name);
            if (owner == null) {
                throw new NoSuchFieldException(type.getName() + "." + name);
            }
            f = owner.getDeclaredField(name);
            f.setAccessible(true);
            FIELDS.put(key, f);
        }
        return f;
    }

    private static Method method(Class<?> type, String name, Class<?>... params) throws NoSuchMethodException {
        StringBuilder k = new StringBuilder(type.getName()).append('#').append(name);
        for (Class<?> p : params) {
            k.append(',').append(p.getName());
        }
        String key = k.toString();
        Method m = METHODS.get(key);
        if (m == null) {
            m = type.getMethod(name, params);
            m.setAccessible(true);
            METHODS.put(key, m);
        }
        return m;
    }
}
