package dev.warden.scanner.bytecode;

import dev.warden.scanner.Catalog;
import dev.warden.scanner.bytecode.Facts.ClassFacts;
import dev.warden.scanner.bytecode.Facts.Fact;
import dev.warden.scanner.bytecode.Facts.FactKind;
import dev.warden.scanner.bytecode.Facts.MethodFacts;
import dev.warden.scanner.bytecode.Facts.Param;
import dev.warden.scanner.bytecode.Facts.RegFact;
import dev.warden.scanner.bytecode.Facts.ToolDecl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.ParameterNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * Reads one class file with ASM (never loading it) into {@link ClassFacts}.
 *
 * <p>Library classes get a cheap pass (no code: hierarchy and tool annotations only).
 * Application classes get a full pass: every method's calls, constants, sinks and field
 * accesses in one linear walk, and, only for methods that contain a registration or a
 * process/file call site, a data-flow pass ({@link ConstInterpreter}) to read the arguments.
 *
 * <p>Stateless; any thread. Throws {@link UnreadableClassException} with one readable sentence
 * when ASM cannot read the file (e.g. a class file from a newer JDK than ASM knows).
 */
public final class ClassScanner {
    private ClassScanner() {
    }

    /** A class file the scanner cannot read; {@link #getMessage()} is the one-line reason. */
    public static final class UnreadableClassException extends Exception {
        public UnreadableClassException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Pattern URL = Pattern.compile("(?i)^(https?|wss?)://[^\\s\"'<>{}|\\\\^`]+$");
    private static final Pattern SQL = Pattern.compile(
            "(?is)^\\s*(select\\s.+\\sfrom\\s.+|insert\\s+into\\s+\\S.*|update\\s+\\S+\\s+set\\s.+|delete\\s+from\\s+\\S.*|merge\\s+into\\s+\\S.*"
            + "|create\\s+(or\\s+replace\\s+)?(table|view|index|unique\\s+index|schema|sequence)\\s.+|drop\\s+(table|view|index|schema|sequence)\\s.+"
            + "|alter\\s+table\\s.+|truncate\\s+(table\\s+)?\\S.*|with\\s+\\w+\\s+as\\s*\\(.+)$");

    /** Field types and names that say a field holds where HTTP requests go (a hint for run-time destinations). */
    private static final java.util.Set<String> URL_FIELD_TYPES = java.util.Set.of("Ljava/lang/String;", "Ljava/net/URI;", "Ljava/net/URL;");
    private static final Pattern URL_FIELD_NAME = Pattern.compile("(?i)(url|uri|endpoint|baseaddress|webhook)");
    /** A concatenation recipe that starts with a run-time value followed by a URL path: {@code <value>/refunds}. */
    private static final Pattern URL_PATTERN = Pattern.compile("^\u0001(/[A-Za-z0-9._~%!$&'()*+,;=:@/?\u0001-]*)$");

    /** Reads the class. {@code library} decides how deep (see the class comment). */
    public static ClassFacts scan(byte[] bytes, String container, boolean forceApplication) throws UnreadableClassException {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0xCA || (bytes[1] & 0xff) != 0xFE || (bytes[2] & 0xff) != 0xBA || (bytes[3] & 0xff) != 0xBE) {
            throw new UnreadableClassException("not a class file (bad magic number); skipped");
        }
        int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
        } catch (IllegalArgumentException e) {
            String why = major > 44 + 30 ? "class file version " + major + " (Java " + (major - 44) + ") is newer than this scanner reads" : "malformed class file";
            throw new UnreadableClassException(why + "; skipped");
        } catch (RuntimeException e) {
            throw new UnreadableClassException("malformed class file (" + e.getClass().getSimpleName() + "); skipped");
        }
        String name;
        try {
            name = reader.getClassName();
        } catch (RuntimeException e) {
            throw new UnreadableClassException("malformed class file (" + e.getClass().getSimpleName() + "); skipped");
        }
        boolean library = !forceApplication && Catalog.isLibraryClass(name);
        ClassNode cn = new ClassNode();
        try {
            reader.accept(cn, library ? ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES : ClassReader.SKIP_FRAMES);
        } catch (RuntimeException e) {
            throw new UnreadableClassException("malformed class file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); skipped");
        }
        ClassFacts cf = new ClassFacts(cn.name, cn.superName, cn.interfaces == null ? List.of() : List.copyOf(cn.interfaces), cn.access, library, container);
        cf.sourceFile = cn.sourceFile;
        addAnnotations(cf.annotations, cn.visibleAnnotations);
        addAnnotations(cf.annotations, cn.invisibleAnnotations);
        for (MethodNode mn : cn.methods) {
            ToolDecl tool = toolDecl(mn);
            if (tool != null) {
                cf.tools.add(tool);
            }
            if (cf.isInterface() && (has(mn, Catalog.LC4J_SYSTEM_MESSAGE) || has(mn, Catalog.LC4J_USER_MESSAGE))) {
                cf.aiServiceShape = true;
            }
        }
        if (cf.isInterface() && cf.annotations.contains(Catalog.LC4J_AI_SERVICE_ANNOTATION)) {
            cf.aiServiceShape = true;
        }
        if (!library) {
            for (FieldNode fn : cn.fields) {
                if (fn.value instanceof String) {
                    cf.fieldConstants.computeIfAbsent(fn.name, k -> new LinkedHashSet<>()).add((String) fn.value);
                }
                String key = propertyKey(fn.visibleAnnotations);
                if (key != null) {
                    cf.fieldPropertyKeys.put(fn.name, key);
                }
            }
            for (MethodNode mn : cn.methods) {
                cf.methods.put(mn.name + mn.desc, methodFacts(cn, mn, cf));
            }
        }
        return cf;
    }

    private static void addAnnotations(java.util.Set<String> out, List<AnnotationNode> l) {
        if (l != null) {
            for (AnnotationNode a : l) {
                out.add(a.desc);
            }
        }
    }

    // ------------------------------------------------------------------ tools

    private static ToolDecl toolDecl(MethodNode mn) {
        AnnotationNode lc = find(mn.visibleAnnotations, Catalog.LC4J_TOOL);
        AnnotationNode sp = lc == null ? find(mn.visibleAnnotations, Catalog.SPRING_TOOL) : null;
        if (lc == null && sp == null) {
            return null;
        }
        String framework = lc != null ? "langchain4j" : "spring-ai";
        AnnotationNode a = lc != null ? lc : sp;
        String name = str(a, "name");
        String description;
        if (lc != null) {
            Object v = value(a, "value");
            description = v instanceof List ? String.join("\n", strings((List<?>) v)) : null;
        } else {
            description = str(a, "description");
        }
        boolean returnDirect = Boolean.TRUE.equals(value(a, "returnDirect"));
        if (name == null || name.isEmpty()) {
            name = mn.name;
        }
        Type[] args = Type.getArgumentTypes(mn.desc);
        String[] names = paramNames(mn, args);
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            List<AnnotationNode> pa = mn.visibleParameterAnnotations != null && i < mn.visibleParameterAnnotations.length
                    ? mn.visibleParameterAnnotations[i] : null;
            AnnotationNode p = find(pa, lc != null ? Catalog.LC4J_P : Catalog.SPRING_TOOL_PARAM);
            String pname = names[i];
            String pdesc = null;
            Boolean required = null;
            if (p != null) {
                if (lc != null) {
                    String n = str(p, "name");
                    if (n != null && !n.isEmpty()) {
                        pname = n;
                    }
                    pdesc = firstNonEmpty(str(p, "value"), str(p, "description"));
                } else {
                    pdesc = str(p, "description");
                }
                Object r = value(p, "required");
                required = r instanceof Boolean ? (Boolean) r : null;
            }
            if (isFrameworkParameter(args[i])) {
                continue; // injected by the framework (memory id, tool context), not sent by the model
            }
            params.add(new Param(pname, jsonType(args[i]), args[i].getClassName(), pdesc, required));
        }
        return new ToolDecl(framework, name, description == null || description.isEmpty() ? null : description, mn.name, mn.desc,
                firstLine(mn), params, returnDirect);
    }

    private static boolean isFrameworkParameter(Type t) {
        String n = t.getClassName();
        return n.equals("org.springframework.ai.chat.model.ToolContext") || n.equals("dev.langchain4j.invocation.InvocationParameters")
                || n.equals("dev.langchain4j.agent.tool.ToolExecutionRequest");
    }

    private static String[] paramNames(MethodNode mn, Type[] args) {
        String[] names = new String[args.length];
        if (mn.parameters != null && mn.parameters.size() == args.length) {
            for (int i = 0; i < args.length; i++) {
                ParameterNode p = mn.parameters.get(i);
                names[i] = p.name;
            }
        }
        if (mn.localVariables != null) {
            int slot = (mn.access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
            for (int i = 0; i < args.length; i++) {
                if (names[i] == null) {
                    for (LocalVariableNode lv : mn.localVariables) {
                        if (lv.index == slot) {
                            names[i] = lv.name;
                            break;
                        }
                    }
                }
                slot += args[i].getSize();
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (names[i] == null) {
                names[i] = "arg" + i;
            }
        }
        return names;
    }

    /** The JSON schema type a framework would give the model for a Java parameter type. */
    static String jsonType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN:
                return "boolean";
            case Type.BYTE: case Type.SHORT: case Type.INT: case Type.LONG:
                return "integer";
            case Type.FLOAT: case Type.DOUBLE:
                return "number";
            case Type.CHAR:
                return "string";
            case Type.ARRAY:
                return "array";
            default:
                break;
        }
        switch (t.getClassName()) {
            case "java.lang.String": case "java.lang.Character": case "java.util.UUID": case "java.time.LocalDate":
            case "java.time.LocalDateTime": case "java.time.Instant": case "java.time.OffsetDateTime": case "java.time.ZonedDateTime":
                return "string";
            case "java.lang.Boolean":
                return "boolean";
            case "java.lang.Integer": case "java.lang.Long": case "java.lang.Short": case "java.lang.Byte": case "java.math.BigInteger":
                return "integer";
            case "java.lang.Float": case "java.lang.Double": case "java.math.BigDecimal": case "java.lang.Number":
                return "number";
            case "java.util.List": case "java.util.Set": case "java.util.Collection": case "java.lang.Iterable":
                return "array";
            default:
                return "object";
        }
    }

    // ------------------------------------------------------------------ methods

    private static MethodFacts methodFacts(ClassNode cn, MethodNode mn, ClassFacts cf) {
        MethodFacts mf = new MethodFacts(cn.name, mn.name, mn.desc, mn.access);
        mf.line = firstLine(mn);
        // SQL held by annotations (Spring Data @Query, MyBatis @Select ...)
        for (List<AnnotationNode> l : Arrays.asList(mn.visibleAnnotations, mn.invisibleAnnotations)) {
            if (l != null) {
                for (AnnotationNode a : l) {
                    for (String s : annotationStrings(a)) {
                        classifyConstant(mf, s, mf.line);
                    }
                }
            }
        }
        if (mn.instructions == null || mn.instructions.size() == 0) {
            return mf;
        }
        int line = mf.line;
        boolean needsValues = false;
        AbstractInsnNode prev = null;
        for (AbstractInsnNode insn = mn.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof LineNumberNode) {
                line = ((LineNumberNode) insn).line;
                continue;
            }
            if (insn.getOpcode() < 0) {
                continue;
            }
            if (insn instanceof LdcInsnNode && ((LdcInsnNode) insn).cst instanceof String) {
                classifyConstant(mf, (String) ((LdcInsnNode) insn).cst, line);
            } else if (insn instanceof MethodInsnNode) {
                MethodInsnNode m = (MethodInsnNode) insn;
                mf.calls.add(m.owner + "." + m.name + m.desc);
                Catalog.Sink sink = Catalog.sink(m.owner, m.name, m.desc);
                if (sink != null) {
                    addSinkFact(mf, sink, line);
                    if (sink.kind() == Catalog.SinkKind.PROCESS || sink.kind() == Catalog.SinkKind.FILE_WRITE) {
                        needsValues = true;
                    }
                }
                if (Catalog.registration(m.owner, m.name) != null) {
                    needsValues = true;
                }
            } else if (insn instanceof InvokeDynamicInsnNode) {
                InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                for (Object arg : indy.bsmArgs) {
                    if (arg instanceof Handle) {
                        Handle h = (Handle) arg;
                        mf.calls.add(h.getOwner() + "." + h.getName() + h.getDesc());
                    }
                }
                if (indy.bsm.getOwner().equals("java/lang/invoke/StringConcatFactory") && indy.bsmArgs.length > 0 && indy.bsmArgs[0] instanceof String) {
                    classifyTemplate(mf, (String) indy.bsmArgs[0], line);
                }
            } else if (insn instanceof FieldInsnNode) {
                FieldInsnNode f = (FieldInsnNode) insn;
                if (insn.getOpcode() == Opcodes.GETSTATIC || insn.getOpcode() == Opcodes.GETFIELD) {
                    mf.fieldReads.add(f.owner + "." + f.name);
                    if (URL_FIELD_TYPES.contains(f.desc) && URL_FIELD_NAME.matcher(f.name).find()) {
                        String owner = f.owner.substring(f.owner.lastIndexOf('/') + 1).replace('$', '.');
                        mf.facts.add(new Fact(FactKind.URL_FIELD, owner + "." + f.name, line, null, null));
                    }
                } else if (f.owner.equals(cn.name) && prev instanceof LdcInsnNode && ((LdcInsnNode) prev).cst instanceof String) {
                    cf.fieldConstants.computeIfAbsent(f.name, k -> new LinkedHashSet<>()).add((String) ((LdcInsnNode) prev).cst);
                }
            } else if (insn instanceof TypeInsnNode && insn.getOpcode() == Opcodes.NEW) {
                mf.instantiated.add(((TypeInsnNode) insn).desc);
            }
            prev = insn;
        }
        if (needsValues) {
            readArguments(cn, mn, mf);
        }
        return mf;
    }

    private static void addSinkFact(MethodFacts mf, Catalog.Sink sink, int line) {
        switch (sink.kind()) {
            case HTTP:
                mf.facts.add(new Fact(FactKind.HTTP_CALL, null, line, sink.client(), null));
                break;
            case SQL:
                mf.facts.add(new Fact(FactKind.SQL_CALL, null, line, sink.client(), null));
                break;
            case JDBC_CONNECT:
                break; // opening a connection runs no SQL; its JDBC URL, when constant, is a JDBC_URL fact
            default:
                break; // process and file facts are added with their arguments (or without, if unknown) by readArguments
        }
    }

    /** Data-flow pass: reads the arguments of registrations and process/file call sites. */
    private static void readArguments(ClassNode cn, MethodNode mn, MethodFacts mf) {
        ConstInterpreter interp = new ConstInterpreter();
        Frame<ConstInterpreter.V>[] frames;
        try {
            frames = new Analyzer<>(interp).analyze(cn.name, mn);
        } catch (AnalyzerException | RuntimeException e) {
            frames = null;
        }
        int line = mf.line;
        int i = 0;
        for (AbstractInsnNode insn = mn.instructions.getFirst(); insn != null; insn = insn.getNext(), i++) {
            if (insn instanceof LineNumberNode) {
                line = ((LineNumberNode) insn).line;
                continue;
            }
            if (!(insn instanceof MethodInsnNode)) {
                continue;
            }
            MethodInsnNode m = (MethodInsnNode) insn;
            Frame<ConstInterpreter.V> f = frames == null ? null : frames[i];
            Catalog.Sink sink = Catalog.sink(m.owner, m.name, m.desc);
            if (sink != null && (sink.kind() == Catalog.SinkKind.PROCESS || sink.kind() == Catalog.SinkKind.FILE_WRITE)) {
                ConstInterpreter.V arg = f == null || sink.arg() < 0 ? null : arg(f, m, sink.arg());
                if (sink.kind() == Catalog.SinkKind.PROCESS) {
                    processFact(mf, m, arg, line);
                } else {
                    String path = arg == null ? null : arg.str;
                    mf.facts.add(new Fact(FactKind.FILE_WRITE, path, line, sink.client(), null));
                }
            }
            Catalog.RegKind reg = Catalog.registration(m.owner, m.name);
            if (reg != null && f != null) {
                registration(mf, reg, m, f, line);
            }
        }
    }

    private static void processFact(MethodFacts mf, MethodInsnNode m, ConstInterpreter.V arg, int line) {
        if (m.name.equals("start")) {
            return; // the command was given to the constructor or command(...), already recorded
        }
        List<String> parts = new ArrayList<>();
        if (arg != null) {
            if (arg.str != null && m.owner.equals("java/lang/Runtime")) {
                parts.addAll(Arrays.asList(arg.str.trim().split("\\s+")));
            } else {
                parts.addAll(arg.strings());
            }
        }
        String command = parts.isEmpty() ? null : parts.get(0);
        List<String> rest = parts.size() > 1 ? parts.subList(1, parts.size()) : List.of();
        String detail = rest.isEmpty() ? null : String.join("\u0000", rest.stream().map(s -> s == null ? "*" : s).toList());
        mf.facts.add(new Fact(FactKind.PROCESS, command, line, "process", detail));
    }

    private static void registration(MethodFacts mf, Catalog.RegKind reg, MethodInsnNode m, Frame<ConstInterpreter.V> f, int line) {
        Map<String, String> props = new LinkedHashMap<>();
        List<String> types = new ArrayList<>();
        String handler = null;
        int argc = Type.getArgumentTypes(m.desc).length;
        ConstInterpreter.V receiver = m.getOpcode() == Opcodes.INVOKESTATIC ? null : f.getStack(f.getStackSize() - argc - 1);
        switch (reg) {
            case LC4J_AI_SERVICE: {
                ConstInterpreter.V a0 = arg(f, m, 0);
                if (a0 != null && a0.classConst != null) {
                    props.put("class", a0.classConst);
                }
                break;
            }
            case LC4J_TOOLS:
            case SPRING_TOOLS: {
                if (receiver != null && receiver.props != null && receiver.props.get("class") != null) {
                    props.put("class", receiver.props.get("class"));
                }
                for (int a = 0; a < argc; a++) {
                    objectTypes(arg(f, m, a), types);
                }
                break;
            }
            case SPRING_FUNCTION_TOOL: {
                ConstInterpreter.V a0 = arg(f, m, 0);
                if (a0 != null && a0.str != null) {
                    props.put("name", a0.str);
                }
                ConstInterpreter.V a1 = argc > 1 ? arg(f, m, 1) : null;
                if (a1 != null) {
                    handler = a1.handler();
                    if (handler == null && a1.type != null) {
                        types.add(a1.type);
                    }
                }
                break;
            }
            case MCP_TOOL: {
                ConstInterpreter.V source = m.name.equals("<init>") ? null : receiver;
                if (source != null && source.props != null) {
                    putName(props, source.props);
                    handler = source.handler();
                    if (handler == null) {
                        handler = source.props.get("handler");
                    }
                }
                if (m.name.equals("<init>")) {
                    ConstInterpreter.V tool = arg(f, m, 0);
                    if (tool != null && tool.props != null) {
                        putName(props, tool.props);
                    }
                    ConstInterpreter.V h = argc > 1 ? arg(f, m, 1) : null;
                    if (h != null) {
                        handler = h.handler();
                    }
                }
                break;
            }
            case MCP_SERVER_TOOL: {
                ConstInterpreter.V tool = arg(f, m, 0);
                if (tool != null && tool.props != null) {
                    putName(props, tool.props);
                }
                ConstInterpreter.V h = argc > 1 ? arg(f, m, 1) : null;
                if (h != null) {
                    handler = h.handler();
                }
                break;
            }
            case MCP_CLIENT_URL: {
                ConstInterpreter.V a0 = argc > 0 ? arg(f, m, 0) : null;
                if (a0 != null && a0.str != null) {
                    props.put("url", a0.str);
                }
                break;
            }
            case MCP_CLIENT_COMMAND: {
                ConstInterpreter.V a0 = argc > 0 ? arg(f, m, 0) : null;
                if (a0 != null) {
                    List<String> s = a0.strings();
                    if (!s.isEmpty() && s.get(0) != null) {
                        props.put("command", s.get(0));
                        if (s.size() > 1) {
                            props.put("args", String.join("\u0000", s.subList(1, s.size()).stream().map(x -> x == null ? "*" : x).toList()));
                        }
                    }
                }
                break;
            }
            case TOOL_SPEC: {
                if (receiver != null && receiver.props != null) {
                    if (receiver.props.get("name") != null) {
                        props.put("name", receiver.props.get("name"));
                    }
                    if (receiver.props.get("description") != null) {
                        props.put("description", receiver.props.get("description"));
                    }
                }
                break;
            }
            default:
                break;
        }
        mf.registrations.add(new RegFact(reg, line, props, types, handler));
    }

    private static void putName(Map<String, String> out, Map<String, String> props) {
        String n = props.get("name");
        if (n == null) {
            n = props.get("arg0");
        }
        if (n != null) {
            out.put("name", n);
        }
        String d = props.get("description");
        if (d == null) {
            d = props.get("arg1");
        }
        if (d != null) {
            out.put("description", d);
        }
    }

    private static void objectTypes(ConstInterpreter.V v, List<String> out) {
        if (v == null) {
            return;
        }
        if (v.elems != null) {
            for (ConstInterpreter.V e : v.elems) {
                objectTypes(e, out);
            }
            return;
        }
        if (v.type != null && !v.type.startsWith("[") && !v.type.startsWith("java/")) {
            out.add(v.type);
        }
    }

    /** Argument {@code index} of the call at frame {@code f} (receiver not counted). */
    private static ConstInterpreter.V arg(Frame<ConstInterpreter.V> f, MethodInsnNode m, int index) {
        Type[] args = Type.getArgumentTypes(m.desc);
        if (index >= args.length) {
            return null;
        }
        int pos = f.getStackSize() - args.length + index;
        return pos < 0 ? null : f.getStack(pos);
    }

    // ------------------------------------------------------------------ constants

    private static void classifyConstant(MethodFacts mf, String s, int line) {
        if (s.length() < 8 || s.length() > 100_000) {
            return;
        }
        char c0 = Character.toLowerCase(s.charAt(0));
        if (c0 == 'h' || c0 == 'w') {
            if (URL.matcher(s).matches()) {
                mf.facts.add(new Fact(FactKind.URL, s, line, null, null));
                return;
            }
        }
        if (c0 == 'j' && s.startsWith("jdbc:")) {
            mf.facts.add(new Fact(FactKind.JDBC_URL, s, line, null, null));
            return;
        }
        if (looksLikeSql(s)) {
            mf.facts.add(new Fact(FactKind.SQL, s, line, null, null));
        }
    }

    /** A string-concatenation recipe: its constant parts, dynamic parts as {@code ?} (SQL) or a prefix (URL). */
    private static void classifyTemplate(MethodFacts mf, String recipe, int line) {
        int hole = recipe.indexOf('\u0001');
        String prefix = hole < 0 ? recipe : recipe.substring(0, hole);
        String lower = prefix.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ws://") || lower.startsWith("wss://")) {
            int schemeEnd = prefix.indexOf("://") + 3;
            boolean hostKnown = false;
            for (int i = schemeEnd; i < prefix.length(); i++) {
                char c = prefix.charAt(i);
                if (c == '/' || c == ':' || c == '?') {
                    hostKnown = i > schemeEnd;
                    break;
                }
            }
            mf.facts.add(new Fact(FactKind.URL, hostKnown ? prefix + "*" : prefix.substring(0, schemeEnd) + "*", line, null, "dynamic"));
            return;
        }
        if (lower.startsWith("jdbc:")) {
            mf.facts.add(new Fact(FactKind.JDBC_URL, recipe.replace('\u0001', '*').replace('\u0002', '*'), line, null, "dynamic"));
            return;
        }
        if (URL_PATTERN.matcher(recipe).matches()) {
            mf.facts.add(new Fact(FactKind.URL_PATTERN, recipe.replace('\u0001', '*'), line, null, "dynamic"));
            return;
        }
        String sql = recipe.replace('\u0001', '?').replace('\u0002', '?');
        if (looksLikeSql(sql)) {
            mf.facts.add(new Fact(FactKind.SQL, sql, line, null, "dynamic"));
        }
    }

    public static boolean looksLikeSql(String s) {
        if (s.length() < 10) {
            return false;
        }
        char c = Character.toLowerCase(s.stripLeading().isEmpty() ? ' ' : s.stripLeading().charAt(0));
        if ("siudmcatw".indexOf(c) < 0) {
            return false;
        }
        return SQL.matcher(s).matches();
    }

    // ------------------------------------------------------------------ annotation helpers

    private static String propertyKey(List<AnnotationNode> l) {
        AnnotationNode v = find(l, Catalog.SPRING_VALUE);
        String s = v == null ? null : str(v, "value");
        if (s != null && s.startsWith("${") && s.endsWith("}")) {
            String key = s.substring(2, s.length() - 1);
            int colon = key.indexOf(':');
            return colon >= 0 ? key.substring(0, colon) : key;
        }
        return null;
    }

    private static boolean has(MethodNode mn, String desc) {
        return find(mn.visibleAnnotations, desc) != null || find(mn.invisibleAnnotations, desc) != null;
    }

    private static AnnotationNode find(List<AnnotationNode> l, String desc) {
        if (l != null) {
            for (AnnotationNode a : l) {
                if (a.desc.equals(desc)) {
                    return a;
                }
            }
        }
        return null;
    }

    private static Object value(AnnotationNode a, String key) {
        if (a.values != null) {
            for (int i = 0; i + 1 < a.values.size(); i += 2) {
                if (key.equals(a.values.get(i))) {
                    return a.values.get(i + 1);
                }
            }
        }
        return null;
    }

    private static String str(AnnotationNode a, String key) {
        Object v = value(a, key);
        return v instanceof String ? (String) v : null;
    }

    private static List<String> strings(List<?> l) {
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (o instanceof String) {
                out.add((String) o);
            }
        }
        return out;
    }

    private static List<String> annotationStrings(AnnotationNode a) {
        List<String> out = new ArrayList<>();
        if (a.values != null) {
            for (int i = 1; i < a.values.size(); i += 2) {
                Object v = a.values.get(i);
                if (v instanceof String) {
                    out.add((String) v);
                } else if (v instanceof List) {
                    out.addAll(strings((List<?>) v));
                }
            }
        }
        return out;
    }

    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
    }

    private static int firstLine(MethodNode mn) {
        if (mn.instructions != null) {
            for (AbstractInsnNode insn = mn.instructions.getFirst(); insn != null; insn = insn.getNext()) {
                if (insn instanceof LineNumberNode) {
                    return ((LineNumberNode) insn).line;
                }
            }
        }
        return 0;
    }
}
