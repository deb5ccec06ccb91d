package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The progress bar is for people at a terminal: a test JVM's standard error is a pipe, so it gets none. */
class ProgressTest {
    @Test
    void noProgressBarWhenStandardErrorIsNotATerminal() {
        assertFalse(Progress.standardErrorIsTerminal());
        assertSame(Progress.NONE, Progress.onStandardError());
    }
}
