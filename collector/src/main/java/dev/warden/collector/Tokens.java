package dev.warden.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bearer tokens for the HTTP API, kept in {@code STORE/http-tokens} (mode 0600) as
 * {@code name token} lines: {@code admin} may read everything and create approver tokens;
 * every other name is an approver, whose token is the only way to approve or deny as that name.
 * No agent ever holds a token.
 *
 * <p>Thread-safe (lookups against an immutable snapshot; additions are synchronized).
 */
public final class Tokens {
    public static final String FILE = "http-tokens";
    public static final String ADMIN = "admin";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private volatile Map<String, String> byName;

    private Tokens(Path file, Map<String, String> byName) {
        this.file = file;
        this.byName = byName;
    }

    /** Loads the tokens, creating the admin token (or using {@code adminToken}) and the named approvers' tokens. */
    public static Tokens loadOrCreate(Path store, String adminToken, Iterable<String> approvers) throws IOException {
        Path f = store.resolve(FILE);
        Map<String, String> m = new LinkedHashMap<>();
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.trim().split("\\s+");
                if (p.length == 2 && !line.startsWith("#")) {
                    m.put(p[0], p[1]);
                }
            }
        }
        boolean changed = false;
        if (adminToken != null && !adminToken.isEmpty()) {
            changed |= !adminToken.equals(m.put(ADMIN, adminToken));
        } else if (!m.containsKey(ADMIN)) {
            m.put(ADMIN, newToken());
            changed = true;
        }
        for (String a : approvers) {
            checkName(a);
            if (!m.containsKey(a)) {
                m.put(a, newToken());
                changed = true;
            }
        }
        Tokens t = new Tokens(f, Map.copyOf(m));
        if (changed || !Files.exists(f)) {
            t.save(m);
        }
        return t;
    }

    static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}") || name.equals(ADMIN)) {
            throw new IllegalArgumentException("approver name '" + name + "': use 1-64 letters, digits, . _ @ - (and not 'admin')");
        }
    }

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "wdn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void save(Map<String, String> m) throws IOException {
        StringBuilder sb = new StringBuilder("# Warden collector HTTP tokens: name token (admin reads; each approver decides as itself)\n");
        m.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        AuditStore.writeSecret(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The name a bearer token belongs to, or null. Constant-time per comparison. */
    public String nameFor(String token) {
        if (token == null) {
            return null;
        }
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : byName.entrySet()) {
            if (MessageDigest.isEqual(t, e.getValue().getBytes(StandardCharsets.UTF_8))) {
                found = e.getKey();
            }
        }
        return found;
    }

    public String tokenOf(String name) {
        return byName.get(name);
    }

    /** Creates (or returns) the token of an approver. */
    public synchronized String addApprover(String name) throws IOException {
        checkName(name);
        String existing = byName.get(name);
        if (existing != null) {
            return existing;
        }
        Map<String, String> m = new LinkedHashMap<>(byName);
        String tok = newToken();
        m.put(name, tok);
        save(m);
        byName = Map.copyOf(m);
        return tok;
    }

    public Path file() {
        return file;
    }
}
