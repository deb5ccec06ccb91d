package dev.warden.collector;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition with a deadline (tests never sleep for a fixed time). */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier cond, long timeoutMillis, Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
