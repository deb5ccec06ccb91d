package dev.warden.examples.refund.spring;

import dev.warden.examples.support.AgentJarContract;

/** {@code refund-agent-spring.jar} (Spring AI) against {@code demo-world.jar}: {@link AgentJarContract}. */
class SpringRefundAgentJarIT extends AgentJarContract {
    @Override
    protected String name() {
        return "refund-agent-spring";
    }
}
