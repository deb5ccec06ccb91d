package dev.warden.scanner;

/**
 * Compares dotted version strings numerically ({@code 1.19.0} > {@code 1.9.2}); a qualifier
 * ({@code -beta29}, {@code -SNAPSHOT}) sorts before the release it qualifies. Pure; any thread.
 */
public final class Versions {
    private Versions() {
    }

    /** True when {@code from <= v < before} (either bound may be null). */
    public static boolean inRange(String v, String from, String before) {
        return (from == null || compare(v, from) >= 0) && (before == null || compare(v, before) < 0);
    }

    public static int compare(String a, String b) {
        String[] pa = a.split("[.-]");
        String[] pb = b.split("[.-]");
        int n = Math.max(pa.length, pb.length);
        for (int i = 0; i < n; i++) {
            String x = i < pa.length ? pa[i] : null;
            String y = i < pb.length ? pb[i] : null;
            if (x == null || y == null) {
                // "1.0" vs "1.0.0": equal; "1.0-beta" vs "1.0": the qualified one is older
                String rest = x == null ? y : x;
                if (isNumber(rest)) {
                    if (Long.parseLong(rest) == 0) {
                        continue;
                    }
                    return x == null ? -1 : 1;
                }
                return x == null ? 1 : -1;
            }
            boolean nx = isNumber(x);
            boolean ny = isNumber(y);
            int c;
            if (nx && ny) {
                c = Long.compare(Long.parseLong(x), Long.parseLong(y));
            } else if (nx) {
                c = 1;
            } else if (ny) {
                c = -1;
            } else {
                c = x.compareToIgnoreCase(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
