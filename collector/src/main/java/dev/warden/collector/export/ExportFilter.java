package dev.warden.collector.export;

import dev.warden.rules.evidence.EvidenceRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The filters shared by {@code audit export} and {@code GET /api/evidence}: a time range
 * ({@code from} inclusive, {@code to} exclusive; an ISO instant or a date), agent, session,
 * decision and control tag. Null means "any". Immutable after building; any thread.
 */
public final class ExportFilter {
    public Long fromMicros;
    public Long toMicros;
    public String agent;
    public String session;
    public String decision;
    public String control;

    /** Parses {@code 2026-11-24}, {@code 2026-11-24T10:00:00Z} or epoch milliseconds. */
    public static long parseTime(String s, String option) {
        try {
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() * 1000;
            }
            if (s.matches("\\d+")) {
                return Long.parseLong(s) * 1000;
            }
            Instant i = Instant.parse(s);
            return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + s + ": expected a date (2026-11-24), an instant (2026-11-24T10:00:00Z) or epoch milliseconds");
        }
    }

    public boolean matches(EvidenceRecord r) {
        if (fromMicros != null && r.timeMicros < fromMicros) {
            return false;
        }
        if (toMicros != null && r.timeMicros >= toMicros) {
            return false;
        }
        if (agent != null && !agent.equals(r.agent)) {
            return false;
        }
        if (session != null && !session.equals(r.session)) {
            return false;
        }
        if (decision != null && !decision.equals(r.decision)) {
            return false;
        }
        return control == null || r.controls.contains(control);
    }
}
