package dev.warden.examples.mockmodel;

/**
 * A tool result exactly as the model received it: the {@code "role":"tool"} message content of the
 * request that answered a scripted tool call. {@code turn} is the 1-based script turn that asked for
 * the call. Immutable.
 */
public record RecordedToolResult(int turn, String toolCallId, String toolName, String arguments, String content) {
}
