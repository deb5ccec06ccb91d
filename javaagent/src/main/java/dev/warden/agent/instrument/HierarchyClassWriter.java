package dev.warden.agent.instrument;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * A {@link ClassWriter} that computes stack map frames without loading classes: ASM's default
 * {@code getCommonSuperClass} calls {@code Class.forName}, which inside a transformer can load
 * application classes early, in the wrong loader, or deadlock. This one reads class headers
 * through the transformed class's loader ({@link ClassHierarchy}), the way Glowroot does.
 * One instance per transformation; confined to the transforming thread.
 */
final class HierarchyClassWriter extends ClassWriter {
    private final ClassHierarchy hierarchy;
    private final ClassLoader loader;

    HierarchyClassWriter(ClassReader reader, ClassHierarchy hierarchy, ClassLoader loader) {
        super(reader, COMPUTE_FRAMES);
        this.hierarchy = hierarchy;
        this.loader = loader;
    }

    @Override
    protected String getCommonSuperClass(String type1, String type2) {
        return hierarchy.commonSuperClass(loader, type1, type2);
    }
}
