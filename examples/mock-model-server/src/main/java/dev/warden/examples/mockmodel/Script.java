package dev.warden.examples.mockmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The conversation a {@link ScriptedModelServer} plays: an ordered list of model turns. Each turn is
 * either a set of tool calls or a final text answer, optionally guarded by a fragment the latest user
 * message must contain (so a client that drifts from the script gets a clear error instead of a
 * silently wrong answer).
 *
 * <p>The server moves from a tool-call turn to the next turn only when a request carries the
 * {@code "role":"tool"} results of every call of that turn (matched by {@code tool_call_id}); after a
 * text turn the next turn is played for the next request, which normally carries a new user message.
 *
 * <p>Immutable and therefore safe to share between threads. Built in code with {@link #builder()} or
 * read from a JSON/YAML file by {@link ScriptFiles}.
 */
public final class Script {

    /** One tool call the model asks for. {@code id} may be null: the server then assigns {@code call_<n>}. */
    public record ToolCall(String id, String name, String argumentsJson) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsJson, "argumentsJson");
        }
    }

    /**
     * One model reply. Exactly one of {@code toolCalls} (non-empty) and {@code text} is set;
     * {@code expectUser} (may be null) is a case-insensitive fragment of the latest user message.
     */
    public record Turn(String expectUser, List<ToolCall> toolCalls, String text) {
        public Turn {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
            if (toolCalls.isEmpty() == (text == null)) {
                throw new IllegalArgumentException("a turn needs either tool calls or a text, not both and not neither");
            }
        }

        public boolean isToolCalls() {
            return !toolCalls.isEmpty();
        }
    }

    private final String model;
    private final List<Turn> turns;

    public Script(String model, List<Turn> turns) {
        this.model = model == null ? "gpt-4o-mini" : model;
        if (turns == null || turns.isEmpty()) {
            throw new IllegalArgumentException("a script needs at least one turn");
        }
        this.turns = List.copyOf(turns);
    }

    /** The model name reported when a request names none. */
    public String model() {
        return model;
    }

    public List<Turn> turns() {
        return turns;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ToolCall call(String name, String argumentsJson) {
        return new ToolCall(null, name, argumentsJson);
    }

    /**
     * Builds a script turn by turn: {@code Script.builder().user("refund").toolCalls(call(...)).text("Done").build()}.
     * {@link #user(String)} guards the next turn only. Not thread-safe.
     */
    public static final class Builder {
        private final List<Turn> turns = new ArrayList<>();
        private String model;
        private String pendingUser;

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The next turn is only played if the latest user message contains this fragment. */
        public Builder user(String fragment) {
            this.pendingUser = fragment;
            return this;
        }

        public Builder toolCalls(ToolCall... calls) {
            turns.add(new Turn(pendingUser, List.of(calls), null));
            pendingUser = null;
            return this;
        }

        public Builder text(String text) {
            turns.add(new Turn(pendingUser, List.of(), Objects.requireNonNull(text, "text")));
            pendingUser = null;
            return this;
        }

        public Script build() {
            return new Script(model, turns);
        }
    }
}
