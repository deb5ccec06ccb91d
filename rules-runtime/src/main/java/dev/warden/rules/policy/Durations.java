package dev.warden.rules.policy;

/** Durations as policies write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}. */
public final class Durations {
    private Durations() {
    }

    /** Milliseconds, or -1 when the text is not a duration. */
    public static long parseMillis(String text) {
        if (text == null) {
            return -1;
        }
        String s = text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return -1;
        }
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            return -1;
        }
        String unit = s.substring(i).trim();
        double ms;
        switch (unit) {
            case "ms": ms = n; break;
            case "s": ms = n * 1000; break;
            case "m": ms = n * 60_000; break;
            case "h": ms = n * 3_600_000; break;
            case "d": ms = n * 86_400_000; break;
            default: return -1;
        }
        return (long) ms;
    }

    public static String format(long millis) {
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
