package dev.warden.rules.state;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stable slot numbers for stateful rule parts, keyed by their canonical text, so that session
 * state survives a policy reload: an {@code after} condition or a {@code limit} that is the same
 * in the new policy keeps its slot (and therefore its history). Used only by the compiler.
 */
public final class StateRegistry {
    private final ConcurrentHashMap<String, Integer> conditions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> limits = new ConcurrentHashMap<>();
    private final AtomicInteger nextCondition = new AtomicInteger();
    private final AtomicInteger nextLimit = new AtomicInteger();

    public int conditionSlot(String canonical) {
        return conditions.computeIfAbsent(canonical, k -> nextCondition.getAndIncrement());
    }

    public int limitSlot(String canonical) {
        return limits.computeIfAbsent(canonical, k -> nextLimit.getAndIncrement());
    }

    public int conditionCount() {
        return nextCondition.get();
    }

    public int limitCount() {
        return nextLimit.get();
    }
}
