package dev.warden.scanner;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long scan. {@link #NONE} is silent; {@link #terminal(PrintStream)} draws a bar on
 * a terminal (and stays silent when output is not a terminal, so logs and pipes stay clean).
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

    /** A bar on {@code out} when the JVM has a console, otherwise {@link #NONE}. */
    static Progress terminal(PrintStream out) {
        return System.console() == null ? NONE : new Bar(out);
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
