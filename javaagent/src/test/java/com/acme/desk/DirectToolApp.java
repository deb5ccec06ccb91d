package com.acme.desk;

import dev.warden.agent.it.apps.Blocked;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code @Tool} methods of LangChain4j and Spring AI called as plain methods, outside any
 * framework (a package of its own: Warden never weaves classes under {@code dev.warden.agent}):
 * {@code issueRefund} (LangChain4j {@code @Tool(name = "issueRefund")}) of 600 and of
 * 100, {@code deleteAccount} (Spring AI {@code @Tool}). Prints {@code result <label>: <value>} or
 * {@code result <label>: blocked=<is a Warden block> <message>}. Inside the allowed refund (where the
 * thread's {@code parent} is the tool) the tool hands work to other threads, each of which runs
 * one SQL statement naming where it ran ({@code SELECT 1 AS <where>}): a {@code Thread} subclass
 * overriding {@code run()}, {@code ScheduledThreadPoolExecutor.schedule} (a {@code Runnable}, a
 * {@code Callable}, a periodic task), {@code ForkJoinPool.submit} (a {@code Runnable}, a
 * {@code Callable}); the test reads the evidence to see that each statement carried the tool as
 * its parent. Argument: a JDBC URL.
 */
public final class DirectToolApp {
    static String url;

    /** LangChain4j-annotated tools. */
    public static final class RefundTools {
        @dev.langchain4j.agent.tool.Tool(name = "issueRefund", value = "Issues a refund")
        public String refund(String orderId, double amount) throws Exception {
            System.out.println("tool ran: issueRefund " + orderId + " " + amount);
            if (amount < 500) {
                handOffWork();
            }
            return "refunded " + amount;
        }
    }

    /** Spring AI-annotated tools. */
    public static final class AccountTools {
        @org.springframework.ai.tool.annotation.Tool(description = "Deletes an account")
        public String deleteAccount(String id) {
            System.out.println("tool ran: deleteAccount " + id);
            return "deleted " + id;
        }
    }

    /** A thread subclass whose run() never reaches Thread.run. */
    static final class Worker extends Thread {
        Worker() {
            super("subclass-worker");
        }

        @Override
        public void run() {
            sql("thread-subclass");
        }
    }

    static void sql(String where) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SELECT 1 AS " + where.replace('-', '_'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void handOffWork() throws Exception {
        Worker w = new Worker();
        w.start();
        w.join();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            scheduler.schedule(() -> sql("scheduled-runnable"), 1, TimeUnit.MILLISECONDS).get();
            Callable<String> callable = () -> {
                sql("scheduled-callable");
                return "ok";
            };
            scheduler.schedule(callable, 1, TimeUnit.MILLISECONDS).get();
            CountDownLatch twice = new CountDownLatch(2);
            ScheduledFuture<?> periodic = scheduler.scheduleAtFixedRate(() -> {
                if (twice.getCount() > 0) {
                    sql("scheduled-periodic");
                    twice.countDown();
                }
            }, 0, 5, TimeUnit.MILLISECONDS);
            twice.await();
            periodic.cancel(false);
        } finally {
            scheduler.shutdown();
        }
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            pool.submit(() -> sql("forkjoin-runnable")).get();
            pool.submit((Callable<String>) () -> {
                sql("forkjoin-callable");
                return "ok";
            }).get();
        } finally {
            pool.shutdown();
        }
        CompletableFuture.runAsync(() -> sql("completable-future")).get();
    }

    private static void report(String label, Callable<String> call) {
        String result;
        try {
            result = call.call();
        } catch (Exception e) {
            result = "blocked=" + Blocked.is(e) + " " + e.getMessage();
        }
        System.out.println("result " + label + ": " + result);
    }

    public static void main(String[] args) throws Exception {
        url = args[0];
        RefundTools refunds = new RefundTools();
        AccountTools accounts = new AccountTools();
        report("big refund", () -> refunds.refund("o1", 600));
        report("small refund", () -> refunds.refund("o2", 100));
        report("delete", () -> accounts.deleteAccount("c1"));
        sql("outside-any-tool");
    }
}
