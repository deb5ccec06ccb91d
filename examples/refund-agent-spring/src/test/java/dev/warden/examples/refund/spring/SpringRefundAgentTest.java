package dev.warden.examples.refund.spring;

import dev.warden.examples.support.AgentOptions;
import dev.warden.examples.support.RefundAgentContract;
import java.io.PrintStream;

/** The Spring AI refund agent against the demo world, in process and without Warden: the same transcript and effects as the LangChain4j one ({@link RefundAgentContract}). */
class SpringRefundAgentTest extends RefundAgentContract {
    @Override
    protected int run(AgentOptions options, PrintStream out) {
        return SpringRefundAgent.run(options, out);
    }
}
