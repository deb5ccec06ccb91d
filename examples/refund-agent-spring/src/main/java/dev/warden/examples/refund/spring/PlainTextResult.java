package dev.warden.examples.refund.spring;

import org.springframework.ai.tool.execution.ToolCallResultConverter;

import java.lang.reflect.Type;

/**
 * Sends a String tool result to the model as it is. (Spring AI's default converter JSON-encodes it,
 * so the model would see {@code "\"Refund R-1001 …\""}; this keeps the text identical to the
 * LangChain4j variant.) Stateless; any thread.
 */
public final class PlainTextResult implements ToolCallResultConverter {

    @Override
    public String convert(Object result, Type returnType) {
        return result == null ? "" : result.toString();
    }
}
