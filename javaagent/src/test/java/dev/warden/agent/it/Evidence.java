package dev.warden.agent.it;

import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/** Reads what an agent recorded, for assertions. */
final class Evidence {
    final List<EvidenceRecord> records;

    private Evidence(List<EvidenceRecord> records) {
        this.records = records;
    }

    static Evidence read(Path dir) {
        return new Evidence(EvidenceQueueReader.readAllCopies(dir));
    }

    List<EvidenceRecord> decisions(Predicate<EvidenceRecord> p) {
        return records.stream().filter(r -> r.type == EvidenceRecord.Type.DECISION).filter(p).toList();
    }

    List<EvidenceRecord> outcomes(Predicate<EvidenceRecord> p) {
        return records.stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME).filter(p).toList();
    }

    /** The outcome that shares the decision's id. */
    EvidenceRecord outcomeOf(EvidenceRecord decision) {
        return records.stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME && r.seq == decision.seq
                && r.instance.equals(decision.instance)).findFirst().orElse(null);
    }

    static Predicate<EvidenceRecord> attr(String key, String value) {
        return r -> value.equals(r.attributes.get(key));
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        records.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }
}
