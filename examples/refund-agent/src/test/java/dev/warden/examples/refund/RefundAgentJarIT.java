package dev.warden.examples.refund;

import dev.warden.examples.support.AgentJarContract;

/** {@code refund-agent.jar} (LangChain4j) against {@code demo-world.jar}: {@link AgentJarContract}. */
class RefundAgentJarIT extends AgentJarContract {
    @Override
    protected String name() {
        return "refund-agent";
    }
}
