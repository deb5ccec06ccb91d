package dev.warden.examples.support;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The command line shared by both refund agents. Each option may also come from a system property
 * (arguments win):
 *
 * <pre>
 * --model-url URL     refund.model-url     OpenAI base URL, e.g. http://127.0.0.1:P/v1   (required)
 * --payments-url URL  refund.payments-url  payments service root, e.g. http://127.0.0.1:Q (required)
 * --mail-url URL      refund.mail-url      mail API root, e.g. http://127.0.0.1:R          (required)
 * --session ID        refund.session       chat memory / conversation id  (default support-session-1)
 * --db-url JDBC       refund.db-url        customer database (default: a private in-memory H2 database)
 * --model NAME        refund.model         model name sent to the server   (default gpt-4o-mini)
 * --repeat N          refund.repeat        work through the tickets N times (default 1); pass k &gt; 1 uses
 *                                          session ID-k and needs a looping model (demo-world --loop)
 * </pre>
 *
 * Immutable.
 */
public record AgentOptions(String modelUrl, String paymentsUrl, String mailUrl, String session, String dbUrl, String model, int repeat) {

    public static final String DEFAULT_SESSION = "support-session-1";
    public static final String DEFAULT_MODEL = "gpt-4o-mini";

    /** A usage problem, one line, ready to print after the program name. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static final String USAGE = "--model-url URL --payments-url URL --mail-url URL [--session ID] [--db-url JDBC] [--model NAME] [--repeat N]";

    private static final Map<String, String> OPTIONS = Map.of(
            "--model-url", "refund.model-url",
            "--payments-url", "refund.payments-url",
            "--mail-url", "refund.mail-url",
            "--session", "refund.session",
            "--db-url", "refund.db-url",
            "--model", "refund.model",
            "--repeat", "refund.repeat");

    /** Parses {@code args}, falling back to system properties. */
    public static AgentOptions parse(String[] args) throws UsageException {
        return parse(args, System::getProperty);
    }

    /** Parses {@code args}, falling back to {@code properties} (property name to value, or null). */
    public static AgentOptions parse(String[] args, UnaryOperator<String> properties) throws UsageException {
        java.util.HashMap<String, String> given = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (!OPTIONS.containsKey(arg)) {
                throw new UsageException("unknown argument " + args[i] + " (usage: " + USAGE + ")");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            }
            given.put(arg, value);
        }
        UnaryOperator<String> get = opt -> given.containsKey(opt) ? given.get(opt) : properties.apply(OPTIONS.get(opt));
        String model = httpUrl(get, "--model-url");
        String payments = httpUrl(get, "--payments-url");
        String mail = httpUrl(get, "--mail-url");
        String session = orDefault(get.apply("--session"), DEFAULT_SESSION);
        String db = orDefault(get.apply("--db-url"), CustomerDatabase.privateInMemoryUrl());
        if (!db.startsWith("jdbc:")) {
            throw new UsageException("--db-url must be a JDBC URL, not " + db);
        }
        String repeatText = orDefault(get.apply("--repeat"), "1");
        int repeat;
        try {
            repeat = Integer.parseInt(repeatText);
        } catch (NumberFormatException e) {
            repeat = 0;
        }
        if (repeat < 1) {
            throw new UsageException("--repeat must be a whole number of at least 1, not " + repeatText);
        }
        return new AgentOptions(model, payments, mail, session, db, orDefault(get.apply("--model"), DEFAULT_MODEL), repeat);
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }

    private static String httpUrl(UnaryOperator<String> get, String option) throws UsageException {
        String v = get.apply(option);
        if (v == null || v.isBlank()) {
            throw new UsageException(option + " is required (or -D" + OPTIONS.get(option) + "=URL); usage: " + USAGE);
        }
        try {
            URI u = URI.create(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " must be an http(s) URL, not " + v);
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }
}
