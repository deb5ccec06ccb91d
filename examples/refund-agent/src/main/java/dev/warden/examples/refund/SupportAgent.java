package dev.warden.examples.refund;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;

/**
 * The LangChain4j AI service of the refund agent. The {@code @MemoryId} is the conversation (session)
 * id: LangChain4j keeps one chat memory per id and reports it as the invocation's chat memory id,
 * which is what Warden uses as the session of every action in the call.
 */
public interface SupportAgent {

    @SystemMessage("You are the customer-support agent of an online shop. Work on each ticket with the tools: "
            + "look customers up, issue refunds in EUR, email customers, and use the admin tools when asked. "
            + "Answer in one or two sentences saying what you did.")
    String handle(@MemoryId String session, @UserMessage String ticket);
}
