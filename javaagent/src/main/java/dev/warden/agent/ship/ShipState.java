package dev.warden.agent.ship;

import dev.warden.rules.evidence.wire.ChainHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What the shipper remembers about one instance between runs, in {@code ship.state} beside its
 * queue: the anchor (the highest record the collector acknowledged that the shipper can seek
 * to: its position, its Chronicle index and its chain hash) and the collector's public key
 * learnt at the first WELCOME. Written atomically (temporary file, then rename); a stale file
 * only costs re-sending records the collector already holds, which it drops as duplicates.
 *
 * <p>Owned by the shipper thread.
 */
final class ShipState {
    static final String FILE = "ship.state";

    long anchorPosition;
    long anchorIndex = -1;
    byte[] anchorHash;
    byte[] collectorPub;

    static ShipState load(Path instanceDir) {
        ShipState s = new ShipState();
        Path f = instanceDir.resolve(FILE);
        if (!Files.exists(f)) {
            return s;
        }
        try {
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(f, StandardCharsets.UTF_8)));
            s.anchorPosition = Long.parseLong(p.getProperty("anchor.position", "0"));
            s.anchorIndex = Long.parseLong(p.getProperty("anchor.index", "-1"));
            s.anchorHash = ChainHasher.unhex(emptyToNull(p.getProperty("anchor.hash")));
            s.collectorPub = ChainHasher.unhex(emptyToNull(p.getProperty("collector.key")));
        } catch (IOException | RuntimeException e) {
            return new ShipState(); // unreadable: start over, the collector dedupes
        }
        return s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    void save(Path instanceDir) throws IOException {
        String text = "# Warden shipper state: the last record the collector acknowledged\n"
                + "anchor.position=" + anchorPosition + "\n"
                + "anchor.index=" + anchorIndex + "\n"
                + "anchor.hash=" + (anchorHash == null ? "" : ChainHasher.hex(anchorHash)) + "\n"
                + "collector.key=" + (collectorPub == null ? "" : ChainHasher.hex(collectorPub)) + "\n";
        Path tmp = instanceDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, instanceDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
