package dev.warden.collector.export;

import dev.warden.collector.AuditStore;
import dev.warden.collector.RecordPeek;
import dev.warden.collector.StoreScan;
import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * {@code audit export}: the store as JSON lines in DESIGN.md's record shape (each decision
 * joined with its outcome by id), as OCSF API Activity events ({@link Ocsf}), or as CSV
 * ({@link Csv}), in store order, filtered by {@link ExportFilter}.
 *
 * <p>The join takes two passes: the first indexes where each outcome is (per instance, by
 * sequence number, unboxed), the second writes each decision with its outcome folded in. An
 * outcome whose decision is not in the store is written on its own. The {@code hash} and
 * {@code prev_hash} of a joined line are the decision's; {@code audit verify} checks every
 * record's own chain entry.
 *
 * <p>Single-threaded; opens the store read-only, so it can run beside a live collector.
 */
public final class Exporter {
    public enum Format {
        JSONL, OCSF, CSV;

        public static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format " + s + ": expected jsonl, ocsf or csv");
            }
        }
    }

    private Exporter() {
    }

    /** Writes the export to {@code out}; returns the number of lines written (CSV: without the header). */
    public static long export(Path store, Format format, ExportFilter filter, Appendable out) throws IOException {
        try (SingleChronicleQueue q = AuditStore.open(store); StoreScan scan = new StoreScan(q)) {
            Map<String, LongLongMap> outcomes = new HashMap<>();
            Map<String, LongLongMap> decisions = new HashMap<>();
            scan.forEachRaw(e -> {
                int type = RecordPeek.type(e.bytes, e.payloadOff);
                if (type == EvidenceRecord.Type.OUTCOME.ordinal() || type == EvidenceRecord.Type.DECISION.ordinal()) {
                    String inst = RecordPeek.instance(e.bytes, e.payloadOff, e.payloadLen);
                    long seq = RecordPeek.seq(e.bytes, e.payloadOff, e.payloadLen);
                    (type == EvidenceRecord.Type.OUTCOME.ordinal() ? outcomes : decisions)
                            .computeIfAbsent(inst == null ? "" : inst, k -> new LongLongMap()).put(seq, e.index);
                }
            });
            long[] n = {0};
            EvidenceRecord outcome = new EvidenceRecord();
            if (format == Format.CSV) {
                out.append(Csv.header()).append('\n');
            }
            scan.forEach(Long.MIN_VALUE, (r, e) -> {
                String inst = r.instance == null ? "" : r.instance;
                if (r.type == EvidenceRecord.Type.OUTCOME) {
                    LongLongMap d = decisions.get(inst);
                    if (d != null && d.get(r.seq, Long.MIN_VALUE) != Long.MIN_VALUE) {
                        return true; // folded into its decision
                    }
                } else if (r.type == EvidenceRecord.Type.DECISION) {
                    LongLongMap o = outcomes.get(inst);
                    long at = o == null ? Long.MIN_VALUE : o.get(r.seq, Long.MIN_VALUE);
                    if (at != Long.MIN_VALUE && scan.read(at, outcome)) {
                        join(r, outcome);
                    }
                }
                if (!filter.matches(r)) {
                    return true;
                }
                try {
                    switch (format) {
                        case JSONL -> out.append(EvidenceJson.toJson(r)).append('\n');
                        case OCSF -> out.append(Ocsf.toJson(r)).append('\n');
                        case CSV -> out.append(Csv.row(r)).append('\n');
                        default -> throw new IllegalStateException();
                    }
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                n[0]++;
                return true;
            });
            return n[0];
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Folds an outcome's fields into its decision. */
    public static void join(EvidenceRecord decision, EvidenceRecord outcome) {
        decision.outcomeStatus = outcome.outcomeStatus;
        decision.outcomeDurationUs = outcome.outcomeDurationUs;
        decision.outcomeDetail = outcome.outcomeDetail;
        if (decision.approvalId == null && outcome.approvalId != null) {
            decision.approvalId = outcome.approvalId;
            decision.approver = outcome.approver;
            decision.approvalDecision = outcome.approvalDecision;
            decision.approvalWaitedMs = outcome.approvalWaitedMs;
        }
    }
}
