package dev.warden.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** Weaving real driver and pool classes in memory, without an agent: what gets hooked, and that the result verifies. */
class HookTransformerTest {
    final HookTransformer transformer = new HookTransformer(HookRegistry.HOOKS, null, true);
    final ClassLoader loader = getClass().getClassLoader();

    byte[] bytes(String internalName) throws Exception {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }

    byte[] weave(String internalName) throws Exception {
        return transformer.transform(loader, internalName, null, null, bytes(internalName));
    }

    /** Methods of the woven class that call the bridge, as name+descriptor → bridge methods called. */
    static List<String> bridgeCalls(byte[] woven) {
        ClassNode node = new ClassNode();
        new ClassReader(woven).accept(node, 0);
        List<String> out = new ArrayList<>();
        for (MethodNode m : node.methods) {
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.equals("dev/warden/agent/bootstrap/Bridge")) {
                    out.add(m.name + m.desc + " -> " + call.name);
                }
            }
        }
        return out;
    }

    @Test
    void driverStatementsAreWovenByInterfaceAndVerify() throws Exception {
        byte[] woven = weave("org/h2/jdbc/JdbcPreparedStatement");
        assertNotNull(woven);
        List<String> calls = bridgeCalls(woven);
        assertTrue(calls.contains("executeQuery()Ljava/sql/ResultSet; -> sqlExecute"), calls.toString());
        assertTrue(calls.contains("executeUpdate()I -> exitCount"), calls.toString());
        assertTrue(calls.contains("executeBatch()[I -> exitValue"), calls.toString());
        assertTrue(calls.contains("executeUpdate()I -> exitThrown"), calls.toString());
        assertNull(WovenClassVerifier.verify(woven, loader, new ClassHierarchy()));
        assertTrue(transformer.woven().contains("org.h2.jdbc.JdbcPreparedStatement"));
        assertEquals(0, transformer.failures());
    }

    @Test
    void connectionsRememberPreparedSql() throws Exception {
        List<String> calls = bridgeCalls(weave("org/h2/jdbc/JdbcConnection"));
        assertTrue(calls.contains("prepareStatement(Ljava/lang/String;)Ljava/sql/PreparedStatement; -> sqlPrepared"), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("createStatement")), calls.toString());
    }

    @Test
    void sqliteBaseClassesAndPoolProxiesAreCovered() throws Exception {
        assertTrue(bridgeCalls(weave("org/sqlite/jdbc3/JDBC3Statement")).contains("executeUpdate(Ljava/lang/String;)I -> sqlExecute"));
        assertTrue(bridgeCalls(weave("org/sqlite/jdbc3/JDBC3PreparedStatement")).contains("executeQuery()Ljava/sql/ResultSet; -> sqlExecute"));
        assertTrue(bridgeCalls(weave("com/zaxxer/hikari/pool/HikariProxyPreparedStatement")).contains("executeUpdate()I -> sqlExecute"));
    }

    @Test
    void libraryClientsAreWovenAtTheirPerHopMethod() throws Exception {
        assertTrue(bridgeCalls(weave("org/apache/http/impl/execchain/MainClientExec")).stream().anyMatch(c -> c.startsWith("execute(") && c.endsWith("httpRequest")));
        assertTrue(bridgeCalls(weave("org/apache/hc/client5/http/impl/classic/ConnectExec")).stream().anyMatch(c -> c.endsWith("httpRequest")));
        assertTrue(bridgeCalls(weave("okhttp3/internal/http/BridgeInterceptor")).stream().anyMatch(c -> c.endsWith("httpRequest")));
        assertEquals(0, transformer.failures());
    }

    @Test
    void unrelatedClassesAreLeftAlone() throws Exception {
        assertNull(weave("org/h2/util/StringUtils"));
        assertNull(weave("okhttp3/OkHttpClient"));
        // calls execute but is neither a Statement nor a Thread, and carries no session hook
        assertNull(weave("java/util/concurrent/AbstractExecutorService"));
    }

    @Test
    void aClassThatCannotBeWovenIsLeftUntouched() throws Exception {
        byte[] garbage = bytes("org/h2/jdbc/JdbcStatement").clone();
        garbage[garbage.length / 2] ^= 0x55;
        garbage[garbage.length / 2 + 1] ^= 0x55;
        // either the class is left untouched or what came out verifies: never a half-woven class
        byte[] out = transformer.transform(loader, "org/h2/jdbc/JdbcStatement", null, null, garbage);
        if (out != null) {
            assertNull(WovenClassVerifier.verify(out, loader, new ClassHierarchy()));
        }
    }

    @Test
    void framesAreComputedWithoutLoadingClasses() {
        ClassHierarchy h = new ClassHierarchy();
        assertEquals("org/h2/jdbc/JdbcPreparedStatement", h.commonSuperClass(loader, "org/h2/jdbc/JdbcPreparedStatement", "org/h2/jdbc/JdbcCallableStatement"));
        assertEquals("org/h2/jdbc/JdbcStatement", h.commonSuperClass(loader, "org/h2/jdbc/JdbcCallableStatement", "org/h2/jdbc/JdbcStatement"));
        assertEquals("java/lang/Object", h.commonSuperClass(loader, "java/sql/Statement", "java/lang/String"));
        assertEquals("java/io/IOException", h.commonSuperClass(loader, "java/io/FileNotFoundException", "java/net/SocketException"));
        assertTrue(h.isSubtypeOf(loader, h.info(loader, "com/zaxxer/hikari/pool/HikariProxyCallableStatement"), "java/sql/Statement"));
    }

    @Test
    void theByteScanFindsNamesInTheConstantPool() {
        assertTrue(HookTransformer.containsAny("xxprepareStatementyy".getBytes(), new byte[][] {"prepareStatement".getBytes()}));
        assertTrue(!HookTransformer.containsAny("prepareStatemen".getBytes(), new byte[][] {"prepareStatement".getBytes()}));
    }

    @Test
    void theRegistryNamesEveryHookOnce() {
        List<String> seen = new ArrayList<>();
        for (Hook h : HookRegistry.HOOKS) {
            String key = h.toString();
            assertTrue(!seen.contains(key), "listed twice: " + key);
            seen.add(key);
        }
        // every descriptor in the registry is a valid method descriptor
        for (Hook h : HookRegistry.HOOKS) {
            if (h.descriptor != null) {
                assertTrue(org.objectweb.asm.Type.getArgumentTypes(h.descriptor).length >= 0, h.toString());
            }
        }
    }
}
