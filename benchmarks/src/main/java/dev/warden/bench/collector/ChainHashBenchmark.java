package dev.warden.bench.collector;

import dev.warden.rules.evidence.CanonicalHasher;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record chain hash the shipper, the collector and {@code audit verify} each compute: from
 * a record's encoded bytes with {@link CanonicalHasher} (what they do now), against decoding it
 * and hashing {@link EvidenceJson#canonical} as a String (what they did before). 64 different
 * records of a typical HTTP decision (about 330 encoded bytes, 600 bytes of canonical JSON).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChainHashBenchmark {
    byte[][] encoded = new byte[64][];
    final CanonicalHasher hasher = new CanonicalHasher();
    final EvidenceRecord decoded = new EvidenceRecord();
    final byte[] prev = new byte[32];
    final byte[] out = new byte[32];
    final String prevHex = EvidenceJson.hex(new byte[32]);
    int i;

    @Setup
    public void setUp() {
        EvidenceRecord r = new EvidenceRecord();
        for (int k = 0; k < encoded.length; k++) {
            CollectorBench.record(r, "0d7f3c2e-1b7a-4f0e-9a51-3f1e2d4c5b6a", 1000 + k);
            encoded[k] = EvidenceCodec.encode(r);
        }
    }

    @Benchmark
    public byte[] canonicalHasherFromBytes() {
        byte[] e = encoded[i++ & 63];
        hasher.chainHash(prev, e, 0, e.length, out, 0);
        return out;
    }

    @Benchmark
    public String decodeAndHashCanonicalString() {
        byte[] e = encoded[i++ & 63];
        return EvidenceJson.chainHash(prevHex, EvidenceCodec.decode(e, 0, e.length, decoded));
    }
}
