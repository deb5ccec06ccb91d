package dev.warden.examples.refund;

import dev.warden.examples.support.AgentOptions;
import dev.warden.examples.support.RefundAgentContract;
import java.io.PrintStream;

/** The LangChain4j refund agent against the demo world, in process and without Warden: {@link RefundAgentContract}. */
class RefundAgentTest extends RefundAgentContract {
    @Override
    protected int run(AgentOptions options, PrintStream out) {
        return RefundAgent.run(options, out);
    }
}
