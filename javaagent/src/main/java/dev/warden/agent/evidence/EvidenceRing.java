package dev.warden.agent.evidence;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The staging area in front of the Chronicle queue: a many-to-one ring buffer (Agrona) over a
 * memory-mapped file, {@code staging.ring} in the instance directory. Application threads
 * {@link #offer} encoded records with one atomic claim and a copy (no lock, no I/O, no waiting
 * on another thread); one writer thread {@link #drain}s them into Chronicle, committing the ring
 * after each record, so at most one record can be both in the queue and in the ring.
 *
 * <p>Because the ring is a file mapping, records offered before the JVM is killed survive it:
 * {@link #readUnconsumed} reads what a dead JVM's writer had not yet moved to its queue,
 * including records that follow one a killed thread had claimed but not committed.
 *
 * <p>Threads: any number call {@link #offer}; exactly one (the writer) calls {@link #drain}.
 */
public final class EvidenceRing implements AutoCloseable {
    public static final String FILE = "staging.ring";
    /** Record bytes the ring holds; a power of two. */
    public static final int CAPACITY = 8 << 20;
    private static final int MSG = 1;

    private final FileChannel channel;
    private final UnsafeBuffer buffer;
    private final ManyToOneRingBuffer ring;

    private EvidenceRing(FileChannel channel, MappedByteBuffer mapped) {
        this.channel = channel;
        this.buffer = new UnsafeBuffer(mapped);
        this.ring = new ManyToOneRingBuffer(buffer);
    }

    /** Creates (or re-opens) the ring file of an instance directory. */
    public static EvidenceRing open(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            preallocate(ch, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            return new EvidenceRing(ch, mapped);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Writes the file's blocks for real before it is mapped. A mapping over a sparse file takes
     * its blocks only when a page is first touched, and a full disk then answers with SIGBUS in
     * whichever application thread touched it; written up front, a full disk is an IOException
     * here, at start-up, and the ring never needs another block.
     */
    private static void preallocate(FileChannel ch, long size) throws IOException {
        long have = ch.size();
        if (have >= size) {
            return;
        }
        java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocateDirect(1 << 20);
        long pos = have;
        while (pos < size) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
            pos += ch.write(zeros, pos);
        }
    }

    /** Stages one record; false when the ring is full (the caller writes it to the queue itself). Any thread. */
    public boolean offer(DirectBuffer src, int length) {
        return ring.write(MSG, src, 0, length);
    }

    /** Receives one staged record; returns false to leave it (and the rest) in the ring for later. */
    @FunctionalInterface
    public interface Sink {
        boolean accept(DirectBuffer buffer, int offset, int length);
    }

    /** Moves up to {@code limit} records to {@code sink}, committing after each. Writer thread only. */
    public int drain(Sink sink, int limit) {
        return ring.controlledRead((type, buf, offset, length) ->
                sink.accept(buf, offset, length) ? ControlledMessageHandler.Action.COMMIT : ControlledMessageHandler.Action.ABORT, limit);
    }

    /** Bytes staged and not yet drained. */
    public int size() {
        return ring.size();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Every record a ring file still holds (between its consumer and producer positions), in
     * order, skipping slots claimed but never committed. Read-only; for rings of dead JVMs.
     */
    public static void readUnconsumed(Path file, Consumer<byte[]> sink) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) < CAPACITY + RingBufferDescriptor.TRAILER_LENGTH) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            UnsafeBuffer b = new UnsafeBuffer(ch.map(FileChannel.MapMode.READ_ONLY, 0, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
            long head = b.getLongVolatile(CAPACITY + RingBufferDescriptor.HEAD_POSITION_OFFSET);
            long tail = b.getLongVolatile(CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET);
            if (tail - head > CAPACITY || tail < head) {
                throw new IOException(file + " is not a consistent staging ring (head " + head + ", tail " + tail + ")");
            }
            long position = head;
            while (position < tail) {
                int index = (int) (position & (CAPACITY - 1));
                int length = b.getIntVolatile(RecordDescriptor.lengthOffset(index));
                if (length == 0) {
                    // a slot claimed by a thread killed before it wrote its header: the slot is still
                    // all zeros, so the next record's header is the next non-zero aligned word
                    position += RecordDescriptor.ALIGNMENT;
                    continue;
                }
                int type = b.getInt(RecordDescriptor.typeOffset(index));
                int recordLength = Math.abs(length);
                if (length > 0 && type == MSG) {
                    byte[] bytes = new byte[recordLength - RecordDescriptor.HEADER_LENGTH];
                    b.getBytes(RecordDescriptor.encodedMsgOffset(index), bytes);
                    sink.accept(bytes);
                }
                // padding, or a slot a killed thread claimed and never committed: skip it
                position += align(recordLength);
            }
        }
    }

    /** Marks everything in a dead JVM's ring as moved (after the recovery copied it to the queue). */
    static void markConsumed(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            UnsafeBuffer b = new UnsafeBuffer(ch.map(FileChannel.MapMode.READ_WRITE, 0, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
            long tail = b.getLongVolatile(CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET);
            b.setMemory(0, CAPACITY, (byte) 0);
            b.putLongOrdered(CAPACITY + RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET, tail);
            b.putLongOrdered(CAPACITY + RingBufferDescriptor.HEAD_POSITION_OFFSET, tail);
        }
    }

    private static int align(int length) {
        return (length + RecordDescriptor.ALIGNMENT - 1) & -RecordDescriptor.ALIGNMENT;
    }
}
