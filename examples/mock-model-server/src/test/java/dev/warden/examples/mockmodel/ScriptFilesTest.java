package dev.warden.examples.mockmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptFilesTest {

    @Test
    void yamlAndJsonScriptsReadToTheSameTurns(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, """
                model: m-1
                turns:
                  - user: refund
                    tool_calls:
                      - name: issueRefund
                        arguments: { customer: C-17, amount: 120 }
                      - name: sendEmail
                        id: call_mail
                        arguments: '{"to":"a@b.example"}'
                  - text: Done.
                """);
        Path json = dir.resolve("s.json");
        Files.writeString(json, """
                {"model":"m-1","turns":[
                  {"user":"refund","tool_calls":[{"name":"issueRefund","arguments":{"customer":"C-17","amount":120}},
                                                 {"name":"sendEmail","id":"call_mail","arguments":"{\\"to\\":\\"a@b.example\\"}"}]},
                  {"text":"Done."}]}
                """);
        for (Path p : new Path[] {yaml, json}) {
            Script s = ScriptFiles.read(p);
            assertEquals("m-1", s.model());
            assertEquals(2, s.turns().size());
            Script.Turn t = s.turns().get(0);
            assertEquals("refund", t.expectUser());
            assertEquals("{\"customer\":\"C-17\",\"amount\":120}", t.toolCalls().get(0).argumentsJson());
            assertNull(t.toolCalls().get(0).id());
            assertEquals("call_mail", t.toolCalls().get(1).id());
            assertEquals("Done.", s.turns().get(1).text());
        }
    }

    @Test
    void badScriptsGiveOneLineNamingFileAndTurn(@TempDir Path dir) throws Exception {
        assertProblem(dir, "a.json", "{\"turns\":[{\"text\":\"x\"},{\"user\":\"y\"}]}", "a.json: turn 2: needs exactly one of \"tool_calls\" and \"text\"");
        assertProblem(dir, "b.json", "{\"turns\":[{\"tool_calls\":[{\"arguments\":{}}]}]}", "b.json: turn 1: tool call 1: \"name\" is missing");
        assertProblem(dir, "c.json", "{\"turns\":[{\"txt\":\"x\"}]}", "c.json: turn 1: unknown key \"txt\"");
        assertProblem(dir, "d.json", "{\"turns\":[{\"tool_calls\":[{\"name\":\"t\",\"arguments\":\"[1]\"}]}]}", "d.json: turn 1: tool call 1: \"arguments\" must be a JSON object");
        assertProblem(dir, "e.yaml", "turns: [\n  - text: x\n  bad", "e.yaml:");
        assertProblem(dir, "f.json", "{\"turns\":[]}", "f.json: \"turns\" must be a non-empty list");
        ScriptFiles.ScriptException missing = assertThrows(ScriptFiles.ScriptException.class, () -> ScriptFiles.read(dir.resolve("none.json")));
        assertTrue(missing.getMessage().endsWith("none.json: no such file"));
    }

    private static void assertProblem(Path dir, String name, String content, String expectedPrefix) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        ScriptFiles.ScriptException e = assertThrows(ScriptFiles.ScriptException.class, () -> ScriptFiles.read(p));
        assertTrue(e.getMessage().startsWith(p.toString().replace(name, "") + expectedPrefix), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
    }
}
