package dev.warden.examples.support;

import java.util.List;

/**
 * Works through a ticket queue in one conversation (one session id, so session-scoped policy rules —
 * rate limits, "no export after a customer read" — see the whole run), printing the transcript. The
 * framework-specific part is the {@link Conversation}. Single-threaded: call from one thread.
 */
public final class TicketRunner {

    /** Sends one user message in conversation {@code session} and returns the model's final reply. */
    @FunctionalInterface
    public interface Conversation {
        String reply(String session, String message) throws Exception;
    }

    private TicketRunner() {
    }

    /**
     * Runs every ticket; returns 0 when all were answered, 1 after the first ticket the model or the
     * framework could not complete (its reason is printed as one line).
     */
    public static int run(List<Ticket> tickets, String session, Conversation conversation, Transcript transcript) {
        for (Ticket t : tickets) {
            transcript.ticket(t);
            try {
                transcript.model(conversation.reply(session, t.text()));
            } catch (Exception e) {
                transcript.line("failed: " + SupportDesk.describe(e));
                return 1;
            }
        }
        transcript.plain("done: " + tickets.size() + " tickets handled in session " + session);
        return 0;
    }

    /**
     * Runs the queue {@code repeat} times, pass k &gt; 1 in session {@code session-k}; stops at the first
     * failed pass. Returns 0 or 1 as {@link #run}.
     */
    public static int run(List<Ticket> tickets, String session, int repeat, Conversation conversation, Transcript transcript) {
        for (int pass = 1; pass <= repeat; pass++) {
            int exit = run(tickets, pass == 1 ? session : session + "-" + pass, conversation, transcript);
            if (exit != 0) {
                return exit;
            }
        }
        return 0;
    }
}
