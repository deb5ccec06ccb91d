package dev.warden.agent.tool;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Project Reactor's {@code Mono} operators, called reflectively through the application's class
 * loader (Warden has no compile-time dependency on Reactor): what a governed asynchronous call
 * site needs to defer its governance to subscription, wait for an approval through a future
 * instead of a parked thread, and time its outcome to the {@code Mono}'s completion. The
 * functions handed to Reactor are JDK functional interfaces. One instance per class loader,
 * immutable; any thread.
 */
final class ReactorMono {
    private static final ConcurrentHashMap<ClassLoader, ReactorMono> BY_LOADER = new ConcurrentHashMap<>();

    private final Method just;
    private final Method error;
    private final Method defer;
    private final Method fromFuture;
    private final Method publishOn;
    private final Method flatMap;
    private final Method doOnSuccess;
    private final Method doOnError;
    private final Method doOnCancel;
    private final Object boundedElastic;

    private ReactorMono(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
        Class<?> scheduler = Class.forName("reactor.core.scheduler.Scheduler", false, loader);
        just = mono.getMethod("just", Object.class);
        error = mono.getMethod("error", Throwable.class);
        defer = mono.getMethod("defer", Supplier.class);
        fromFuture = mono.getMethod("fromFuture", CompletableFuture.class);
        publishOn = mono.getMethod("publishOn", scheduler);
        flatMap = mono.getMethod("flatMap", Function.class);
        doOnSuccess = mono.getMethod("doOnSuccess", Consumer.class);
        doOnError = mono.getMethod("doOnError", Consumer.class);
        doOnCancel = mono.getMethod("doOnCancel", Runnable.class);
        boundedElastic = Class.forName("reactor.core.scheduler.Schedulers", true, loader).getMethod("boundedElastic").invoke(null);
    }

    /** Reactor as {@code loader} (the MCP SDK's) sees it. */
    static ReactorMono of(ClassLoader loader) throws ReflectiveOperationException {
        ClassLoader key = loader != null ? loader : ClassLoader.getSystemClassLoader();
        ReactorMono r = BY_LOADER.get(key);
        if (r == null) {
            r = new ReactorMono(key);
            BY_LOADER.putIfAbsent(key, r);
        }
        return r;
    }

    Object just(Object value) throws ReflectiveOperationException {
        return just.invoke(null, value);
    }

    Object error(Throwable t) throws ReflectiveOperationException {
        return error.invoke(null, t);
    }

    /** {@code Mono.defer(supplier)}: the supplier runs at each subscription, on the subscriber's thread. */
    Object defer(Supplier<Object> supplier) throws ReflectiveOperationException {
        return defer.invoke(null, supplier);
    }

    /**
     * {@code Mono.fromFuture(future).publishOn(boundedElastic()).flatMap(then)}: nothing waits for
     * the future; {@code then} runs on a Reactor worker (never on the thread that completed the
     * future, which may be Warden's own) and returns the next {@code Mono}.
     */
    Object whenDone(CompletableFuture<?> future, Function<Object, Object> then) throws ReflectiveOperationException {
        Object m = fromFuture.invoke(null, future);
        m = publishOn.invoke(m, boundedElastic);
        return flatMap.invoke(m, then);
    }

    /** {@code mono.doOnSuccess(success).doOnError(failure).doOnCancel(cancel)}. */
    Object observed(Object mono, Consumer<Object> success, Consumer<Throwable> failure, Runnable cancel) throws ReflectiveOperationException {
        Object m = doOnSuccess.invoke(mono, success);
        m = doOnError.invoke(m, failure);
        return doOnCancel.invoke(m, cancel);
    }

    /** Rethrows what a reflective call threw, unwrapped. */
    static RuntimeException unchecked(Throwable t) {
        Throwable c = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
        return c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    }
}
