package dev.warden.agent.it.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An application with its own (older) Jackson and ASM on its class path, using both while the
 * agent (which carries Jackson 2.23 and ASM 9.11.1) governs it: prints the versions it got,
 * the results of using them, whether any of Warden's libraries leak into its class loader, and
 * that a governed call is still blocked.
 */
public final class IsolationApp {
    public static void main(String[] args) throws Exception {
        System.out.println("jackson version: " + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        System.out.println("jackson json: " + new ObjectMapper().writeValueAsString(Map.of("refund", 42)));
        System.out.println("asm jar: " + ClassReader.class.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
        int[] methods = {0};
        new ClassReader(IsolationApp.class.getName()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                methods[0]++;
                return null;
            }
        }, 0);
        System.out.println("asm methods: " + methods[0]);
        System.out.println("chronicle visible: " + visible("net.openhft.chronicle.queue.ChronicleQueue"));
        System.out.println("warden runtime visible: " + visible("dev.warden.agent.runtime.Governor"));
        System.out.println("jsqlparser visible: " + visible("net.sf.jsqlparser.parser.CCJSqlParserUtil"));
        System.out.println("bridge visible: " + visible("dev.warden.agent.bootstrap.Bridge"));
        ProcessApp.main(new String[] {args[0]});
    }

    static boolean visible(String name) {
        try {
            Class.forName(name, false, IsolationApp.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
