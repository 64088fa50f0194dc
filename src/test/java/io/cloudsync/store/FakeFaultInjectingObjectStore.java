package io.cloudsync.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A decorator of any {@link ObjectStore} for unit tests of what happens when the store misbehaves: calls fail
 * with a chosen {@link StoreException} (the next N calls, or calls that match a key or an operation), take
 * longer, or block until the test releases them. It records every call, in order, so a test can assert how
 * often and in which order the code under test used the store.
 *
 * <p>Each call is handled as: record it, wait while a block matches it, sleep the latency, fail if a fault rule
 * matches (the first matching rule with uses left fires), else delegate. Thread-safe.
 */
public final class FakeFaultInjectingObjectStore implements ObjectStore {

    public enum Operation {
        BUCKET_EXISTS, CREATE_BUCKET, PUT_FILE, PUT_BYTES, STAT, GET, DELETE, COPY, LIST, LIST_DIRECTORY,
        HAS_OBJECTS_UNDER
    }

    /**
     * One call: {@code key} is the object key (the source of a copy, the prefix of a list or directory listing,
     * "" for bucket calls).
     */
    public record Call(Operation operation, String key, String targetKey) {
        public Call(Operation operation, String key) {
            this(operation, key, "");
        }
    }

    private record FaultRule(Predicate<Call> matches, AtomicInteger usesLeft,
                             Supplier<? extends StoreException> error) {
    }

    private record Gate(Predicate<Call> matches, CountDownLatch released) {
    }

    private final ObjectStore delegate;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<FaultRule> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger blocked = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;
    private volatile Gate gate;

    public FakeFaultInjectingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** An error supplier for {@link StoreException.Transient}, as a network failure would give. */
    public static Supplier<StoreException> transientError(String message) {
        return () -> new StoreException.Transient("injected: " + message, null);
    }

    /** An error supplier for {@link StoreException.Permanent}, as a refused credential would give. */
    public static Supplier<StoreException> permanentError(String message) {
        return () -> new StoreException.Permanent("injected: " + message, null);
    }

    /** The next {@code times} calls, whatever they are, fail with {@code error}. */
    public FakeFaultInjectingObjectStore failNext(int times, Supplier<? extends StoreException> error) {
        return failWhen(call -> true, times, error);
    }

    /** Every call on {@code key} (as source or target) fails with {@code error}, until {@link #clearFaults()}. */
    public FakeFaultInjectingObjectStore failKey(String key, Supplier<? extends StoreException> error) {
        return failWhen(call -> call.key().equals(key) || call.targetKey().equals(key), Integer.MAX_VALUE, error);
    }

    /** Every call of {@code operation} fails with {@code error}, until {@link #clearFaults()}. */
    public FakeFaultInjectingObjectStore failOperation(Operation operation, Supplier<? extends StoreException> error) {
        return failWhen(call -> call.operation() == operation, Integer.MAX_VALUE, error);
    }

    /** The next {@code times} calls that {@code which} matches fail with {@code error}. */
    public FakeFaultInjectingObjectStore failWhen(Predicate<Call> which, int times,
                                                  Supplier<? extends StoreException> error) {
        faults.add(new FaultRule(which, new AtomicInteger(times), error));
        return this;
    }

    /** Removes every fault rule; calls succeed again (latency and blocks stay). */
    public void clearFaults() {
        faults.clear();
    }

    /** Every call takes at least this much longer. */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /** From now on, calls that {@code which} matches wait until {@link #release()}. */
    public void block(Predicate<Call> which) {
        gate = new Gate(which, new CountDownLatch(1));
    }

    /** From now on, every call waits until {@link #release()}. */
    public void blockAll() {
        block(call -> true);
    }

    /** Lets every waiting call go on, and stops blocking new ones. */
    public void release() {
        Gate current = gate;
        gate = null;
        if (current != null) {
            current.released().countDown();
        }
    }

    /** How many calls are waiting at a block right now (wait for it with Awaitility). */
    public int blockedCalls() {
        return blocked.get();
    }

    /** Every call so far, in the order they arrived (failed and blocked ones included). */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of {@code operation} arrived so far. */
    public int calls(Operation operation) {
        return (int) calls.stream().filter(c -> c.operation() == operation).count();
    }

    /** Calls per operation so far. */
    public Map<Operation, Integer> callCounts() {
        var counts = new EnumMap<Operation, Integer>(Operation.class);
        calls.forEach(c -> counts.merge(c.operation(), 1, Integer::sum));
        return counts;
    }

    public ObjectStore delegate() {
        return delegate;
    }

    @Override
    public String bucket() {
        return delegate.bucket();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public boolean bucketExists() throws StoreException {
        before(new Call(Operation.BUCKET_EXISTS, ""));
        return delegate.bucketExists();
    }

    @Override
    public void createBucket() throws StoreException {
        before(new Call(Operation.CREATE_BUCKET, ""));
        delegate.createBucket();
    }

    @Override
    public ObjectInfo putFile(String key, Path file, Map<String, String> userMetadata, PutCondition condition,
                              BooleanSupplier cancelled) throws StoreException {
        before(new Call(Operation.PUT_FILE, key));
        return delegate.putFile(key, file, userMetadata, condition, cancelled);
    }

    @Override
    public ObjectInfo putBytes(String key, byte[] bytes, Map<String, String> userMetadata) throws StoreException {
        before(new Call(Operation.PUT_BYTES, key));
        return delegate.putBytes(key, bytes, userMetadata);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws StoreException {
        before(new Call(Operation.STAT, key));
        return delegate.stat(key);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws StoreException {
        before(new Call(Operation.GET, key));
        return delegate.get(key, offset, length);
    }

    @Override
    public InputStream getIfMatch(String key, String etag, long offset, long length) throws StoreException {
        before(new Call(Operation.GET, key));
        return delegate.getIfMatch(key, etag, offset, length);
    }

    @Override
    public void delete(String key) throws StoreException {
        before(new Call(Operation.DELETE, key));
        delegate.delete(key);
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey) throws StoreException {
        before(new Call(Operation.COPY, sourceKey, targetKey));
        return delegate.copy(sourceKey, targetKey);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws StoreException {
        before(new Call(Operation.LIST, prefix));
        return delegate.list(prefix);
    }

    @Override
    public DirectoryListing listDirectory(String prefix) throws StoreException {
        before(new Call(Operation.LIST_DIRECTORY, prefix));
        return delegate.listDirectory(prefix);
    }

    @Override
    public boolean hasObjectsUnder(String prefix) throws StoreException {
        before(new Call(Operation.HAS_OBJECTS_UNDER, prefix));
        return delegate.hasObjectsUnder(prefix);
    }

    @Override
    public void close() {
        release();
        delegate.close();
    }

    @Override
    public String toString() {
        return "FakeFaultInjectingObjectStore[" + delegate + "]";
    }

    private void before(Call call) throws StoreException {
        calls.add(call);
        try {
            Gate current = gate;
            if (current != null && current.matches().test(call)) {
                blocked.incrementAndGet();
                try {
                    current.released().await();
                } finally {
                    blocked.decrementAndGet();
                }
            }
            Duration delay = latency;
            if (!delay.isZero()) {
                Thread.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Transient("interrupted while waiting in " + this + " for " + call, e);
        }
        for (FaultRule rule : faults) {
            if (rule.matches().test(call) && rule.usesLeft().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                throw rule.error().get();
            }
        }
    }
}
