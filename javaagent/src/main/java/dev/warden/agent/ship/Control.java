package dev.warden.agent.ship;

/**
 * The control plane's side of the shipper's link to the collector (issue 9): orders come in on
 * the control subscription, acknowledgements and heartbeats go out on the data publication.
 * The shipper frames, authenticates and sends; the implementation decides. Every method is
 * called on the shipper thread only.
 */
public interface Control {
    /** The acknowledgement of one order (Frames ORDER_ACK). */
    record Ack(long serial, byte type, byte status, String policyVersion, String detail) {
    }

    /** An ORDER frame for this instance arrived: {@code b[off, off+len)} holds the order's bytes. */
    Ack order(byte[] b, int off, int len);

    /**
     * The JSON body of the next heartbeat. {@code fresh}: the first one after a new WELCOME (it
     * carries every capability, not only what changed). {@code backlog}: evidence records read
     * from local queues and not yet acknowledged by the collector.
     */
    String heartbeat(boolean fresh, long backlog);

    /** The heartbeat last built could not be sent: what it carried goes into the next one. */
    void heartbeatLost();

    /** Called once, soon after start, before any order is handled: prepares what the first order would otherwise pay for. */
    default void warmUp() {
    }

    /** Milliseconds between heartbeats. */
    long heartbeatMillis();
}
