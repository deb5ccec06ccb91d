package dev.warden.scanner;

import dev.warden.rules.Hosts;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of the strings that name systems: URLs (host, scheme, port; userinfo and query values
 * removed) and JDBC URLs (vendor, host, database; credentials removed), and the judgement of
 * whether a host is external. Pure functions; any thread.
 */
public final class Systems {
    private Systems() {
    }

    /** A parsed URL; {@code host} is {@code *} when only known at run time. */
    public record Url(String scheme, String host, int port, String path, String sanitized) {
    }

    private static final Pattern URL = Pattern.compile("(?i)^([a-z][a-z0-9+.-]*)://(?:[^@/?#]*@)?(\\[[^\\]]*\\]|[^:/?#]*)(?::(\\d+|\\*))?([^?#]*)(\\?[^#]*)?.*$");

    /** Parses {@code s}; null when it is not a URL with a host. */
    public static Url url(String s) {
        Matcher m = URL.matcher(s.strip());
        if (!m.matches()) {
            return null;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String rawHost = m.group(2);
        String host;
        if (rawHost.isEmpty() || rawHost.contains("*") || rawHost.contains("$") || rawHost.contains("{")) {
            host = "*";
        } else {
            host = Hosts.normalize(rawHost);
        }
        int port = -1;
        if (m.group(3) != null && !m.group(3).equals("*")) {
            try {
                port = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        String path = m.group(4) == null ? "" : m.group(4);
        StringBuilder sb = new StringBuilder(scheme).append("://").append(rawHost.isEmpty() ? "*" : rawHost.toLowerCase(Locale.ROOT));
        if (m.group(3) != null) {
            sb.append(':').append(m.group(3));
        }
        sb.append(path);
        if (m.group(5) != null) {
            sb.append('?');
            String[] pairs = m.group(5).substring(1).split("&");
            for (int i = 0; i < pairs.length; i++) {
                int eq = pairs[i].indexOf('=');
                sb.append(i == 0 ? "" : "&").append(eq >= 0 ? pairs[i].substring(0, eq + 1) : pairs[i]);
            }
        }
        return new Url(scheme, host, port, path, sb.toString());
    }

    public static int defaultPort(String scheme) {
        switch (scheme) {
            case "http": case "ws": return 80;
            case "https": case "wss": return 443;
            default: return -1;
        }
    }

    /** False for loopback, private addresses and names that only resolve inside a network. */
    public static boolean isExternal(String host) {
        if (host == null || host.equals("*")) {
            return true; // unknown: treat as the worst case
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0.0.0.0") || h.startsWith("10.")
                || h.startsWith("192.168.") || h.startsWith("169.254.") || h.startsWith("fd") && h.contains(":") || h.startsWith("fe80:")) {
            return false;
        }
        if (h.startsWith("172.")) {
            String[] p = h.split("\\.");
            try {
                int second = Integer.parseInt(p[1]);
                if (second >= 16 && second <= 31) {
                    return false;
                }
            } catch (RuntimeException e) {
                // not an address
            }
        }
        if (!h.contains(".") && !h.contains(":")) {
            return false; // a single-label name: a service inside the network
        }
        for (String suffix : new String[] {".local", ".internal", ".lan", ".corp", ".intranet", ".svc", ".cluster.local", ".localhost", ".home.arpa"}) {
            if (h.endsWith(suffix)) {
                return false;
            }
        }
        return !h.contains(".internal.") && !h.contains(".corp.");
    }

    /** A parsed JDBC URL. */
    public record Jdbc(String vendor, String host, String database, String sanitized) {
    }

    private static final Pattern JDBC_HOST = Pattern.compile("^//(?:[^@/]*@)?([^/:;?,]+)(?::\\d+)?(?:,[^/]*)?/?([^;?]*)");

    public static Jdbc jdbc(String url) {
        String u = url.strip();
        if (!u.startsWith("jdbc:")) {
            return null;
        }
        String rest = u.substring(5);
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String vendor = rest.substring(0, colon).toLowerCase(Locale.ROOT);
        String tail = rest.substring(colon + 1);
        String host = null;
        String db = null;
        if (vendor.equals("h2") || vendor.equals("hsqldb") || vendor.equals("derby")) {
            String t = tail;
            for (String p : new String[] {"mem:", "file:", "tcp:", "ssl:", "res:"}) {
                if (t.startsWith(p)) {
                    t = t.substring(p.length());
                    if (p.equals("tcp:") || p.equals("ssl:")) {
                        Matcher m = JDBC_HOST.matcher(t);
                        if (m.find()) {
                            host = m.group(1);
                            t = m.group(2);
                        }
                    }
                    break;
                }
            }
            db = cut(t);
        } else if (vendor.equals("sqlite")) {
            db = cut(tail);
        } else if (vendor.equals("oracle")) {
            int at = tail.indexOf('@');
            String t = at >= 0 ? tail.substring(at + 1) : tail;
            Matcher m = Pattern.compile("^(?://)?([^:/]+)(?::\\d+)?[:/]([^?]*)").matcher(t);
            if (m.find()) {
                host = m.group(1);
                db = m.group(2);
            }
        } else if (vendor.equals("sqlserver")) {
            Matcher m = JDBC_HOST.matcher(tail);
            if (m.find()) {
                host = m.group(1);
            }
            Matcher d = Pattern.compile("(?i)databaseName=([^;]+)").matcher(tail);
            if (d.find()) {
                db = d.group(1);
            }
        } else {
            Matcher m = JDBC_HOST.matcher(tail);
            if (m.find()) {
                host = m.group(1);
                db = m.group(2).isEmpty() ? null : m.group(2);
            }
        }
        return new Jdbc(vendor, host == null ? null : Hosts.normalize(host), db == null || db.isEmpty() ? null : db, sanitizeJdbc(u));
    }

    private static String cut(String t) {
        int end = t.length();
        for (char c : new char[] {';', '?'}) {
            int i = t.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return t.substring(0, end);
    }

    /** Removes userinfo and password/user parameters. */
    static String sanitizeJdbc(String u) {
        String s = u.replaceAll("//[^/@]*:[^/@]*@", "//");
        s = s.replaceAll("(?i)([;?&](password|pwd|user|username)=)[^;&]*", "$1");
        return s;
    }
}
