package dev.warden.rules;

import java.net.IDN;
import java.util.Locale;

/**
 * Host normalisation shared by the policy compiler and the agent: lower case, IDN in punycode,
 * trailing dot stripped, IPv6 literals without brackets. {@link #normalize} returns its argument
 * unchanged (no allocation) when it is already normal, which is the common case.
 */
public final class Hosts {
    private Hosts() {
    }

    public static String normalize(String host) {
        if (host == null || isNormal(host)) {
            return host;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        boolean ascii = true;
        for (int i = 0; i < h.length(); i++) {
            if (h.charAt(i) > 0x7f) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                // not a valid IDN: keep the lower-cased unicode form, which matches nothing ASCII
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static boolean isNormal(String h) {
        int n = h.length();
        if (n == 0 || h.charAt(n - 1) == '.' || h.charAt(0) == '[') {
            return n == 0;
        }
        for (int i = 0; i < n; i++) {
            char c = h.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c > 0x7f || c == ' ') {
                return false;
            }
        }
        return true;
    }
}
