package dev.warden.agent.runtime;

import dev.warden.rules.Kind;

/**
 * A family of governed calls: how its block looks at the call site and how its outcome reads
 * in the evidence. One constant per family; {@code TOOL}: tool calls (issue 4).
 */
public enum Family {
    HTTP(Kind.HTTP), SQL(Kind.SQL), PROCESS(Kind.PROCESS), TOOL(Kind.TOOL);

    public final Kind kind;

    Family(Kind kind) {
        this.kind = kind;
    }
}
