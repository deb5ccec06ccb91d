package dev.warden.agent.it.apps;

/** How a test application tells a Warden block from any other exception, without linking to Warden. */
public final class Blocked {
    private Blocked() {
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
