package dev.warden.agent.it.apps;

/**
 * How a test application reports a call: {@link #report} prints {@code label: result} (the int the
 * call returned, or the exception, its SQLState and whether it is a Warden block), telling a
 * block from any other exception without linking to Warden.
 */
public final class Blocked {
    private Blocked() {
    }

    /** A call of the application under test, returning a count or exit code. */
    public interface Body {
        int run() throws Exception;
    }

    public static void report(String label, Body body) {
        String result;
        try {
            result = Integer.toString(body.run());
        } catch (java.sql.SQLException e) {
            result = e.getClass().getName() + " state=" + e.getSQLState() + " blocked=" + is(e);
        } catch (Exception e) {
            result = e.getClass().getName() + " blocked=" + is(e);
        }
        System.out.println(label + ": " + result);
    }

    public static boolean is(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("dev.warden.agent.bootstrap.WardenBlocked")) {
                    return true;
                }
            }
        }
        return false;
    }
}
