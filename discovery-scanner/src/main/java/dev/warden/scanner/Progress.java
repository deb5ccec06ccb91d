package dev.warden.scanner;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long scan. {@link #NONE} is silent; {@link #onStandardError()} draws a bar on
 * standard error when it is a terminal (and stays silent otherwise, so logs and pipes stay clean).
 *
 * <p>{@link #advance} may be called from any thread; drawing happens on one daemon thread
 * ({@code warden-scan-progress}) at most ten times a second, so workers never wait on the terminal.
 */
public interface Progress {
    void start(String what, long totalBytes);

    void advance(long bytes);

    void done();

    Progress NONE = new Progress() {
        @Override
        public void start(String what, long totalBytes) {
        }

        @Override
        public void advance(long bytes) {
        }

        @Override
        public void done() {
        }
    };

    /** A bar on standard error when standard error is a terminal, otherwise {@link #NONE} (pipes, files, CI logs). */
    static Progress onStandardError() {
        return standardErrorIsTerminal() ? new Bar(System.err) : NONE;
    }

    /**
     * True when standard error is an interactive terminal. {@code System.console()} only speaks
     * for standard input and output (and from JDK 22 exists even when they are redirected, hence
     * {@code Console.isTerminal()} when present); on Linux {@code /proc/self/fd/2} says where
     * standard error itself goes. {@code TERM=dumb} never gets a bar.
     */
    static boolean standardErrorIsTerminal() {
        java.io.Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Object terminal = java.io.Console.class.getMethod("isTerminal").invoke(console);
            if (Boolean.FALSE.equals(terminal)) {
                return false;
            }
        } catch (ReflectiveOperationException e) {
            // JDK before 22: a non-null console already means a terminal
        }
        java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return true; // not Linux: the console's word is all there is
        }
    }

    /** The terminal bar: {@code scanning app.jar [#######.....] 58%  120/207 MB}. */
    final class Bar implements Progress {
        private final PrintStream out;
        private final AtomicLong done = new AtomicLong();
        private volatile long total;
        private volatile String what;
        private volatile boolean running;
        private Thread drawer;

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void start(String what, long totalBytes) {
            this.what = what;
            this.total = Math.max(1, totalBytes);
            this.running = true;
            drawer = new Thread(() -> {
                while (running) {
                    draw();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "warden-scan-progress");
            drawer.setDaemon(true);
            drawer.start();
        }

        private void draw() {
            long d = Math.min(done.get(), total);
            int pct = (int) (d * 100 / total);
            int filled = pct / 4;
            out.print("\rscanning " + what + " [" + "#".repeat(filled) + ".".repeat(25 - filled) + "] " + pct + "%  "
                    + (d >> 20) + "/" + (total >> 20) + " MB ");
            out.flush();
        }

        @Override
        public void advance(long bytes) {
            done.addAndGet(bytes);
        }

        @Override
        public void done() {
            running = false;
            if (drawer != null) {
                drawer.interrupt();
                try {
                    drawer.join(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.set(total);
            draw();
            out.println();
        }
    }
}
