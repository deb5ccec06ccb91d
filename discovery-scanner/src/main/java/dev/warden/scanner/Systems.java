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

    /**
     * A parsed URL; {@code host} is {@code *} when only known at run time; {@code port} is -1 when
     * the URL gives none (the scheme's default applies) and 0 when it is only known at run time.
     */
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
        int port = m.group(3) != null && m.group(3).equals("*") ? 0 : -1;
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

    /** Top-level domains (Public Suffix List) plus the special-use names internal networks and examples use. */
    private static final java.util.Set<String> TLDS = loadTlds();
    private static final java.util.Set<String> SPECIAL_USE = java.util.Set.of("example", "test", "localhost", "local", "internal",
            "lan", "corp", "home", "intranet", "private", "svc");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private static java.util.Set<String> loadTlds() {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (java.io.InputStream in = Systems.class.getResourceAsStream("tlds.txt")) {
            if (in == null) {
                throw new IllegalStateException("tlds.txt is missing from the scanner jar");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    for (String t : line.trim().split("\\s+")) {
                        if (!t.isEmpty()) {
                            out.add(t);
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.Set.copyOf(out);
    }

    /**
     * True when {@code host} (normalised) can be a machine an application talks to: an IP
     * address, {@code localhost}, a single-label service name ({@code payments}, only ever seen
     * inside a URL with a scheme), or dotted labels ending in a real top-level domain or a
     * special-use one ({@code .example}, {@code .internal}, {@code .local}, ...). Rejects dotted
     * Java names that merely sit in a URL-shaped string, such as {@code javax.xml.xmlconstants}.
     */
    public static boolean isPlausibleHost(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
        }
        if (IPV4.matcher(host).matches() || host.equals("localhost")) {
            return true;
        }
        String[] labels = host.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return false;
            }
        }
        if (labels.length == 1) {
            return !Character.isDigit(host.charAt(0)) || !host.chars().allMatch(Character::isDigit);
        }
        String tld = labels[labels.length - 1];
        return (TLDS.contains(tld) || SPECIAL_USE.contains(tld)) && !tld.contains("_");
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
        if ((host == null || host.isEmpty()) && (db == null || db.isEmpty())) {
            return null; // a prefix ("jdbc:h2:mem:") compared against, not a database
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
