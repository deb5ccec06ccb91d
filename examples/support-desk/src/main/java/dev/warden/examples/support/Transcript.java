package dev.warden.examples.support;

import java.io.PrintStream;

/**
 * The agent's human-readable output: one short line per user ticket, tool call, tool result and
 * model reply, e.g. {@code [ticket 3] tool error: issueRefund -> Blocked by policy ...}. Lines are cut
 * to a readable width. Thread-safe (tools may report from the tool thread).
 */
public final class Transcript {

    private static final int WIDTH = 200;

    private final PrintStream out;
    private int ticket;

    public Transcript(PrintStream out) {
        this.out = out;
    }

    public synchronized void ticket(Ticket t) {
        ticket = t.number();
        line("user: " + t.text());
    }

    public void toolCall(String tool, String arguments) {
        line("tool call: " + tool + " " + arguments);
    }

    public void toolResult(String tool, String result, boolean failed) {
        line((failed ? "tool error: " : "tool result: ") + tool + " -> " + result);
    }

    public void model(String reply) {
        line("model: " + reply);
    }

    public synchronized void line(String text) {
        String one = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        if (one.length() > WIDTH) {
            one = one.substring(0, WIDTH - 3) + "...";
        }
        out.println("[ticket " + ticket + "] " + one);
        out.flush();
    }

    public synchronized void plain(String text) {
        out.println(text);
        out.flush();
    }
}
