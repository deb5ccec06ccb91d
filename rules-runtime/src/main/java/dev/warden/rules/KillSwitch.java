package dev.warden.rules;

import dev.warden.rules.match.AttrMatcher;
import dev.warden.rules.match.Predicate;
import java.util.ArrayList;
import java.util.List;

/**
 * The kill orders in force for one evaluator: a stop of every governed action, and/or stops of
 * individual tools. While one covers an action, {@link Evaluator#evaluate} denies it whatever
 * the policy says (monitor mode included: a kill switch is a hard stop), naming the order.
 *
 * <p>Immutable and thread-safe; built off the hot path (when an order arrives) and published
 * through one volatile reference in the evaluator. {@link #covering} is allocation-free.
 */
public final class KillSwitch {
    /** One kill order: its serial, scope ({@code tool} null = everything), who and why. */
    public static final class Order {
        public final long serial;
        public final String tool;
        public final String issuer;
        public final String reason;
        /** A synthetic deny rule named {@code kill-<serial>}, so evidence names the order like a rule. */
        public final Rule rule;

        public Order(long serial, String tool, String issuer, String reason) {
            this.serial = serial;
            this.tool = tool;
            this.issuer = issuer;
            this.reason = reason;
            String text = "kill order #" + serial + " by " + issuer + (tool == null ? "" : " (tool " + tool + ")")
                    + ": " + reason;
            this.rule = new Rule("kill-" + serial, -1, text, Verdict.DENY, Mode.ENFORCE,
                    new Predicate(tool == null ? null : Kind.TOOL, new AttrMatcher[0]), null, null, null,
                    List.of("kill-switch"), 0);
        }

        @Override
        public String toString() {
            return rule.reason;
        }
    }

    public static final KillSwitch NONE = new KillSwitch(List.of());

    private final Order all;
    private final Order[] tools;
    private final List<Order> orders;

    private KillSwitch(List<Order> orders) {
        Order a = null;
        List<Order> t = new ArrayList<>();
        for (Order o : orders) {
            if (o.tool == null) {
                if (a == null || o.serial > a.serial) {
                    a = o;
                }
            } else {
                t.add(o);
            }
        }
        this.all = a;
        this.tools = t.toArray(new Order[0]);
        this.orders = List.copyOf(orders);
    }

    public static KillSwitch of(List<Order> orders) {
        return orders.isEmpty() ? NONE : new KillSwitch(orders);
    }

    /** Every order in force. */
    public List<Order> orders() {
        return orders;
    }

    public boolean isEmpty() {
        return orders.isEmpty();
    }

    /** The order that stops this action, or null. Allocation-free. */
    public Order covering(Action a) {
        if (all != null) {
            return all;
        }
        if (a.kind == Kind.TOOL && a.tool != null) {
            for (Order o : tools) {
                if (o.tool.equals(a.tool)) {
                    return o;
                }
            }
        }
        return null;
    }

    /** This switch plus one more order (replacing an order of the same scope). */
    public KillSwitch with(Order o) {
        List<Order> next = new ArrayList<>();
        for (Order x : orders) {
            if (!java.util.Objects.equals(x.tool, o.tool)) {
                next.add(x);
            }
        }
        next.add(o);
        return of(next);
    }

    /**
     * This switch without the orders a resume lifts: {@code tool} null lifts everything, a tool
     * name lifts that tool's order only.
     */
    public KillSwitch without(String tool) {
        if (tool == null) {
            return NONE;
        }
        List<Order> next = new ArrayList<>();
        for (Order x : orders) {
            if (!tool.equals(x.tool)) {
                next.add(x);
            }
        }
        return of(next);
    }
}
