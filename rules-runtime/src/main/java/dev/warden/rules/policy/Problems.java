package dev.warden.rules.policy;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.ArrayList;
import java.util.List;

/** Collects validation problems as {@code file:line:column: message} lines. */
public final class Problems {
    private final String file;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
    }

    public void add(int line, int column, String message) {
        errors.add(file + ":" + line + ":" + column + ": " + message);
    }

    public void add(JsonLocation loc, String message) {
        add(loc == null ? 1 : Math.max(1, loc.getLineNr()), loc == null ? 1 : Math.max(1, loc.getColumnNr()), message);
    }

    public void add(YamlNode at, String message) {
        add(at == null ? 1 : at.line, at == null ? 1 : at.column, message);
    }

    public void warn(int line, int column, String message) {
        warnings.add(file + ":" + line + ":" + column + ": warning: " + message);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public List<String> errors() {
        return errors;
    }

    public List<String> warnings() {
        return warnings;
    }
}
