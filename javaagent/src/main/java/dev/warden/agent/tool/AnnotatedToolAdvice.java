package dev.warden.agent.tool;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.instrument.Hook;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Methods annotated {@code @dev.langchain4j.agent.tool.Tool} or
 * {@code @org.springframework.ai.tool.annotation.Tool}, wherever they are called from: a probe
 * that passes the method's parameters and annotations through, recognises the {@code Tool}
 * annotation by its descriptor (the annotation class is never loaded) and reads its {@code name};
 * when the code starts it hands the method to a {@link CustomToolAdvice} of framework
 * {@code Bridge.TOOL_ANNOTATED}, named by the annotation's {@code name} or else the method's name
 * (the name the framework gives the model). Methods without the annotation are left as they were.
 * A call the framework already governed (its tool call in progress on this thread) is not governed
 * twice: see {@link ToolGovernor}. One instance per method; confined to the transforming thread.
 */
public final class AnnotatedToolAdvice extends MethodVisitor {
    public static final String LANGCHAIN4J_TOOL = "Ldev/langchain4j/agent/tool/Tool;";
    public static final String SPRING_AI_TOOL = "Lorg/springframework/ai/tool/annotation/Tool;";

    private final int access;
    private final String name;
    private final String descriptor;
    private final List<String> parameters = new ArrayList<>();
    private boolean annotated;
    private String toolName;

    private AnnotatedToolAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(Opcodes.ASM9, mv);
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
    }

    public static final Hook.AdviceFactory FACTORY = AnnotatedToolAdvice::new;

    @Override
    public void visitParameter(String parameter, int parameterAccess) {
        parameters.add(parameter == null ? "" : parameter);
        super.visitParameter(parameter, parameterAccess);
    }

    @Override
    public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
        AnnotationVisitor av = super.visitAnnotation(desc, visible);
        if (!LANGCHAIN4J_TOOL.equals(desc) && !SPRING_AI_TOOL.equals(desc)) {
            return av;
        }
        annotated = true;
        return new AnnotationVisitor(Opcodes.ASM9, av) {
            @Override
            public void visit(String element, Object value) {
                if ("name".equals(element) && value instanceof String && !((String) value).isBlank()) {
                    toolName = (String) value;
                }
                super.visit(element, value);
            }
        };
    }

    @Override
    public void visitCode() {
        if (annotated && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) == 0) {
            // from here on the method's code goes through the advice
            mv = new CustomToolAdvice(mv, access, name, descriptor, Bridge.TOOL_ANNOTATED, toolName != null ? toolName : name, parameters);
        }
        super.visitCode();
    }
}
