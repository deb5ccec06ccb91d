package dev.warden.examples.refund.spring;

import dev.warden.examples.support.Transcript;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.definition.ToolDefinition;

import java.util.List;

/**
 * Prints the model's tool calls and their results to the {@link Transcript}, around Spring AI's own
 * {@code DefaultToolCallingManager}, which still executes every call (so the framework's tool path is
 * unchanged). Spring AI has no per-tool listener; this is the narrowest public seam. Used on the
 * {@code ChatClient.call()} thread; thread-safe as far as its delegate is.
 */
final class TranscriptToolCallingManager implements ToolCallingManager {

    private final ToolCallingManager delegate;
    private final Transcript transcript;

    TranscriptToolCallingManager(ToolCallingManager delegate, Transcript transcript) {
        this.delegate = delegate;
        this.transcript = transcript;
    }

    @Override
    public List<ToolDefinition> resolveToolDefinitions(ToolCallingChatOptions chatOptions) {
        return delegate.resolveToolDefinitions(chatOptions);
    }

    @Override
    public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse chatResponse) {
        for (Generation g : chatResponse.getResults()) {
            for (AssistantMessage.ToolCall call : g.getOutput().getToolCalls()) {
                transcript.toolCall(call.name(), call.arguments());
            }
        }
        ToolExecutionResult result = delegate.executeToolCalls(prompt, chatResponse);
        List<Message> history = result.conversationHistory();
        if (!history.isEmpty() && history.get(history.size() - 1) instanceof ToolResponseMessage responses) {
            for (ToolResponseMessage.ToolResponse r : responses.getResponses()) {
                // Spring AI tool responses carry no error flag: a ToolFailure's text, or a policy block
                // returned in place of the tool's result, is what marks a failed call
                String data = r.responseData();
                transcript.toolResult(r.name(), data, data.startsWith(r.name() + " failed:") || data.startsWith("Blocked by policy"));
            }
        }
        return result;
    }
}
