package com.acme.payments;

/**
 * A plain application class declared as a custom tool in the agent's {@code config=FILE}
 * ({@code com.acme.payments.Payments#refund} named {@code issueRefund}); outside
 * {@code dev.warden.agent} because Warden never weaves its own packages. {@link #main} refunds 600
 * and 100 and prints {@code tool ran: ...} from the body or {@code blocked: <exception> <message>}.
 */
public final class Payments {
    public String refund(String orderId, double amount) {
        System.out.println("tool ran: refund " + orderId + " " + amount);
        return "refunded " + amount;
    }

    public static void main(String[] args) {
        Payments p = new Payments();
        for (Object[] call : new Object[][] {{"o1", 600.0}, {"o2", 100.0}}) {
            try {
                System.out.println("result " + call[0] + ": " + p.refund((String) call[0], (Double) call[1]));
            } catch (RuntimeException e) {
                System.out.println("result " + call[0] + ": blocked " + e.getClass().getName());
            } catch (Throwable e) {
                System.out.println("result " + call[0] + ": blocked " + e.getClass().getName() + " " + e.getMessage());
            }
        }
    }
}
