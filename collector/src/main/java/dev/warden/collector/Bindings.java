package dev.warden.collector;

import dev.warden.rules.evidence.wire.ChainHasher;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which key each agent instance speaks with, the session it last opened (its HELLO time) and
 * where its control channel listens. Bound on first contact and appended to
 * {@code STORE/instances.log} so a restarted collector still refuses an impostor and can
 * answer agents that were mid-stream.
 *
 * <p>Owned by the ingest thread.
 */
final class Bindings implements AutoCloseable {
    static final String FILE = "instances.log";

    /** One instance's binding; the live link fields are not persisted. */
    static final class Binding {
        final String instance;
        final byte[] agentPub;
        String agent;
        long helloTime;
        long counter;
        String controlEndpoint;
        /** An authenticated frame has arrived: from now on a HELLO must carry a MAC. */
        boolean confirmed;
        byte[] linkKey;
        dev.warden.rules.evidence.wire.LinkKeys.Macer macer;
        /** The instance id in UTF-8 (compared with each record's, in place). */
        final byte[] instanceBytes;
        // the acknowledgement due at the end of this round of polling (ingest thread)
        boolean ackDue;
        boolean ackRewind;
        long ackPosition;

        Binding(String instance, byte[] agentPub) {
            this.instance = instance;
            this.agentPub = agentPub;
            this.instanceBytes = instance.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final Map<String, Binding> byInstance = new HashMap<>();
    private final BufferedWriter log;

    Bindings(Path store) throws IOException {
        Path f = store.resolve(FILE);
        if (Files.exists(f)) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] p = line.split("\t");
                if (p.length < 5 || line.startsWith("#")) {
                    continue; // a torn last line after a crash
                }
                try {
                    Binding b = byInstance.computeIfAbsent(p[0], k -> new Binding(k, ChainHasher.unhex(p[1])));
                    b.helloTime = Long.parseLong(p[2]);
                    b.controlEndpoint = p[3].isEmpty() ? null : p[3];
                    b.agent = p[4];
                    b.confirmed = p.length > 5 && "confirmed".equals(p[5]);
                } catch (RuntimeException e) {
                    // skip a damaged line; the instance re-binds on its next HELLO
                }
            }
        }
        log = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    Binding get(String instance) {
        return byInstance.get(instance);
    }

    Binding bind(String instance, byte[] agentPub) {
        return byInstance.computeIfAbsent(instance, k -> new Binding(k, agentPub));
    }

    int size() {
        return byInstance.size();
    }

    void persist(Binding b) throws IOException {
        log.write(b.instance + "\t" + ChainHasher.hex(b.agentPub) + "\t" + b.helloTime + "\t"
                + (b.controlEndpoint == null ? "" : b.controlEndpoint) + "\t" + (b.agent == null ? "" : b.agent.replace('\t', ' ')) + "\t" + (b.confirmed ? "confirmed" : "new") + "\n");
        log.flush();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
