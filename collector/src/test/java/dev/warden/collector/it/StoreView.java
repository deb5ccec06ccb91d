package dev.warden.collector.it;

import dev.warden.collector.AuditStore;
import dev.warden.collector.StoreScan;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * What a collector's store holds for one agent, read beside the live collector (the store opens
 * read-only): per instance, its records in store order with their chain positions.
 */
final class StoreView {
    /** One stored record of the agent. */
    record Entry(String instance, long position, EvidenceRecord.Type type, long seq, String target, String decision) {
        /** The call number of a decision about {@code /ok/N} or {@code /deny/N}, or -1. */
        long call() {
            if (target == null) {
                return -1;
            }
            int slash = target.lastIndexOf('/');
            try {
                return Long.parseLong(target.substring(slash + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    final Map<String, List<Entry>> byInstance = new LinkedHashMap<>();

    static StoreView read(Path store, String agent) {
        StoreView v = new StoreView();
        if (!Files.isDirectory(store.resolve(AuditStore.QUEUE))) {
            return v;
        }
        try (SingleChronicleQueue q = AuditStore.open(store); StoreScan scan = new StoreScan(q)) {
            scan.forEach(Long.MIN_VALUE, (r, e) -> {
                if (agent.equals(r.agent)) {
                    v.byInstance.computeIfAbsent(r.instance, k -> new ArrayList<>())
                            .add(new Entry(r.instance, e.position, r.type, r.seq, r.target, r.decision));
                }
                return true;
            });
        }
        return v;
    }

    List<Entry> decisions(String instance) {
        return byInstance.getOrDefault(instance, List.of()).stream().filter(e -> e.type() == EvidenceRecord.Type.DECISION).toList();
    }

    long decisionCount() {
        return byInstance.values().stream().flatMap(List::stream).filter(e -> e.type() == EvidenceRecord.Type.DECISION).count();
    }

    /** The only instance whose decisions include call {@code n}, or null. */
    String instanceWithCall(long n) {
        for (Map.Entry<String, List<Entry>> en : byInstance.entrySet()) {
            if (en.getValue().stream().anyMatch(e -> e.type() == EvidenceRecord.Type.DECISION && e.call() == n)) {
                return en.getKey();
            }
        }
        return null;
    }

    /**
     * Checks one instance's chain in the store: positions 1, 2, 3... without a gap or a repeat,
     * and decisions for calls 1..N in order, each once. Returns N (the last call stored), or
     * throws naming the first thing out of place.
     */
    long assertCompleteAndOnce(String instance) {
        List<Entry> all = byInstance.getOrDefault(instance, List.of());
        long expectedPos = 1;
        for (Entry e : all) {
            if (e.position() != expectedPos) {
                throw new AssertionError("instance " + instance + ": position " + e.position() + " where " + expectedPos + " was expected"
                        + " (a record lost or stored twice)");
            }
            expectedPos++;
        }
        long expectedCall = 1;
        for (Entry d : decisions(instance)) {
            if (d.call() != expectedCall) {
                throw new AssertionError("instance " + instance + ": decision for call " + d.call() + " where call " + expectedCall
                        + " was expected (lost, repeated or out of order)");
            }
            if ((expectedCall % 10 == 0) != "deny".equals(d.decision())) {
                throw new AssertionError("instance " + instance + ": call " + expectedCall + " was decided " + d.decision());
            }
            expectedCall++;
        }
        return expectedCall - 1;
    }
}
