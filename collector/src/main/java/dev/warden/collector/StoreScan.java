package dev.warden.collector;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.HashMap;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Walks a store's records in store order, decoding each into a reused {@link EvidenceRecord}
 * with its {@code prev_hash} and {@code hash} filled from the store (exports and the HTTP API).
 * Also reads a single record at a known index (to join a decision with its outcome).
 *
 * <p>One instance per thread.
 */
public final class StoreScan implements AutoCloseable {
    /** Receives each record; return false to stop. */
    public interface Visitor {
        boolean visit(EvidenceRecord r, StoreEntry e);
    }

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final ExcerptTailer random;
    private final Bytes<byte[]> buf = Bytes.allocateElasticOnHeap(64 * 1024);
    private final StoreEntry entry = new StoreEntry();
    private final EvidenceRecord record = new EvidenceRecord();
    private final Map<String, byte[]> lastHash = new HashMap<>();

    public StoreScan(SingleChronicleQueue queue) {
        this.queue = queue;
        this.tailer = queue.createTailer();
        this.random = queue.createTailer();
    }

    /** Visits records from {@code fromIndex} (inclusive; Long.MIN_VALUE: the start); returns the index after the last visited. */
    public long forEach(long fromIndex, Visitor v) {
        if (fromIndex == Long.MIN_VALUE) {
            tailer.toStart();
        } else {
            tailer.moveToIndex(fromIndex);
        }
        while (true) {
            long idx;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return Long.MIN_VALUE;
                }
                idx = dc.index();
                buf.clear();
                dc.wire().bytes().read(buf);
            }
            entry.parse(buf.underlyingObject(), 0, (int) buf.readRemaining(), idx);
            if (entry.kind != StoreEntry.RECORD) {
                continue;
            }
            EvidenceCodec.decode(entry.bytes, entry.payloadOff, entry.payloadLen, record);
            String inst = record.instance == null ? "" : record.instance;
            byte[] prev = entry.flags != 0 ? entry.prevHash : lastHash.get(inst);
            record.prevHash = prev == null ? null : dev.warden.rules.evidence.wire.ChainHasher.hex(prev);
            record.hash = dev.warden.rules.evidence.wire.ChainHasher.hex(entry.chainHash);
            lastHash.put(inst, entry.chainHash.clone());
            if (!v.visit(record, entry)) {
                return tailer.index(); // where the next read would start: the paging cursor
            }
        }
    }

    /** Receives each record excerpt undecoded. */
    public interface RawVisitor {
        void visit(StoreEntry e);
    }

    /** Visits every record excerpt without decoding it (index building). */
    public void forEachRaw(RawVisitor v) {
        ExcerptTailer t = queue.createTailer();
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64 * 1024);
        StoreEntry e = new StoreEntry();
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                b.clear();
                dc.wire().bytes().read(b);
                e.parse(b.underlyingObject(), 0, (int) b.readRemaining(), dc.index());
            }
            if (e.kind == StoreEntry.RECORD) {
                v.visit(e);
            }
        }
        t.close();
    }

    /** Reads the record at {@code index} into {@code into}; false when absent. */
    public boolean read(long index, EvidenceRecord into) {
        if (!random.moveToIndex(index)) {
            return false;
        }
        try (DocumentContext dc = random.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            Bytes<byte[]> b = Bytes.allocateElasticOnHeap(4096);
            dc.wire().bytes().read(b);
            StoreEntry e = new StoreEntry().parse(b.underlyingObject(), 0, (int) b.readRemaining(), index);
            if (e.kind != StoreEntry.RECORD) {
                return false;
            }
            EvidenceCodec.decode(e.bytes, e.payloadOff, e.payloadLen, into);
            return true;
        }
    }

    public SingleChronicleQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        tailer.close();
        random.close();
    }
}
