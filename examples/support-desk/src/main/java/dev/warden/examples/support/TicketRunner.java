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
}
