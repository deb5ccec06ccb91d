package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.scanner.live.JvmLister;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forked JVM with LangChain4j and H2 loaded is listed with the framework, the driver and their versions. */
class JvmListerTest {
    @TempDir
    Path work;

    @Test
    void aRunningJvmShowsTheFrameworksItLoaded() throws Exception {
        List<Path> jars = TestApps.jars("langchain4j");
        Path classes = TestApps.compile(work, Map.of("demo/Holder.java", """
                package demo;
                public class Holder {
                    static Object spec;
                    public static void main(String[] a) throws Exception {
                        spec = new dev.langchain4j.model.output.TokenUsage(1, 2);
                        Class.forName("org.h2.Driver");
                        System.out.println("ready");
                        System.out.flush();
                        Thread.sleep(60_000);
                    }
                }
                """), jars);
        List<String> cp = new ArrayList<>();
        cp.add(classes.toString());
        jars.forEach(j -> cp.add(j.toString()));
        TestApps.jars("runtime").forEach(j -> cp.add(j.toString()));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(java.io.File.pathSeparator, cp), "demo.Holder").redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertEquals("ready", r.readLine());
            JvmLister.Jvm jvm = JvmLister.inspect(String.valueOf(p.pid()), "demo.Holder", 30_000);
            assertNull(jvm.problem());
            assertEquals("1.19.0", jvm.frameworks().get("LangChain4j"));
            assertEquals("2.3.232", jvm.libraries().get("H2"));
            assertTrue(JvmLister.list(30_000).stream().anyMatch(j -> j.pid().equals(String.valueOf(p.pid()))));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aJvmThatExitsWhileBeingListedIsLeftOutAndTheRestIsListed() throws Exception {
        Path classes = TestApps.compile(work, Map.of("demo/Idle.java", """
                package demo;
                public class Idle {
                    public static void main(String[] a) throws Exception {
                        System.out.println("ready");
                        System.out.flush();
                        Thread.sleep(60_000);
                    }
                }
                """), List.of());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process stays = new ProcessBuilder(java, "-cp", classes.toString(), "demo.Idle").redirectErrorStream(true).start();
        Process goes = new ProcessBuilder(java, "-cp", classes.toString(), "demo.Idle").redirectErrorStream(true).start();
        try {
            assertEquals("ready", new BufferedReader(new InputStreamReader(stays.getInputStream())).readLine());
            assertEquals("ready", new BufferedReader(new InputStreamReader(goes.getInputStream())).readLine());
            // listed (as VirtualMachine.list() would have it), then gone before it is inspected
            List<String[]> listed = List.of(new String[] {String.valueOf(goes.pid()), "demo.Idle"}, new String[] {String.valueOf(stays.pid()), "demo.Idle"});
            goes.destroyForcibly().waitFor();
            List<JvmLister.Jvm> jvms = JvmLister.inspectAll(listed, 30_000);
            assertEquals(List.of(String.valueOf(stays.pid())), jvms.stream().map(JvmLister.Jvm::pid).toList());
            assertNull(jvms.get(0).problem());
        } finally {
            stays.destroyForcibly().waitFor();
            goes.destroyForcibly().waitFor();
        }
    }
}
