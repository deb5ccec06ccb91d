package dev.warden.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A rule's time window (language 1.1): days of the week and hour ranges in a zone, e.g.
 * {@code when: { days: [mon, tue, wed, thu, fri], hours: "08:00-18:00", zone: Europe/Berlin }}.
 * Ranges may wrap midnight ({@code 22:00-06:00}); several are separated by commas.
 *
 * <p>Thread-safe. {@link #contains} allocates only when the time leaves the day it last
 * computed (once per day per rule): the day's start and its weekday are cached in an immutable
 * holder published through a volatile field.
 */
public final class When {
    public final Set<DayOfWeek> days;
    /** Minute-of-day ranges [from, to) — from > to wraps midnight. */
    public final int[][] ranges;
    public final ZoneId zone;
    public final String text;
    private volatile Day cached = new Day(Long.MIN_VALUE, Long.MIN_VALUE, null);

    private record Day(long startMillis, long endMillis, DayOfWeek weekday) {
    }

    public When(Set<DayOfWeek> days, int[][] ranges, ZoneId zone, String text) {
        this.days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        this.ranges = ranges;
        this.zone = zone;
        this.text = text;
    }

    public boolean contains(long epochMillis) {
        Day d = cached;
        if (epochMillis < d.startMillis || epochMillis >= d.endMillis) {
            ZonedDateTime z = Instant.ofEpochMilli(epochMillis).atZone(zone);
            ZonedDateTime start = z.toLocalDate().atStartOfDay(zone);
            ZonedDateTime end = z.toLocalDate().plusDays(1).atStartOfDay(zone);
            d = new Day(start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli(), z.getDayOfWeek());
            cached = d;
        }
        int minute = (int) ((epochMillis - d.startMillis) / 60_000);
        if (ranges.length == 0) {
            return days.contains(d.weekday);
        }
        for (int[] r : ranges) {
            if (r[0] <= r[1]) {
                if (minute >= r[0] && minute < r[1] && days.contains(d.weekday)) {
                    return true;
                }
            } else if (minute >= r[0] && days.contains(d.weekday)) {
                return true;
            } else if (minute < r[1] && days.contains(d.weekday.minus(1))) {
                // the early part of a range that began yesterday evening belongs to yesterday's day
                return true;
            }
        }
        return false;
    }
}
