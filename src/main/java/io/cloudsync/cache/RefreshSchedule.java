package io.cloudsync.cache;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a listed directory is due to be listed again: {@code refresh-interval} after its last listing ended, or
 * {@link #LISTING_COST_FACTOR} times as long as that listing took, whichever is later. Some servers take minutes to
 * list a directory of 100,000 keys (S3Proxy's cost per page grows with the directory); listing it again every 30 s
 * would keep the server, and the 2 cores the volume's own work needs, busy listing without end while programs
 * work in that directory. With the factor, a directory spends at most a tenth of the time being listed.
 */
final class RefreshSchedule {

    static final int LISTING_COST_FACTOR = 10;

    /** A listing of a directory: when it ended and how long it took, both on the schedule's clock (nanoseconds). */
    record Listed(long endedNanos, long tookNanos) {
    }

    private final long intervalNanos;
    private final LongSupplier nanoClock;

    /** @param interval 0: a directory is never listed again; @param nanoClock System::nanoTime but in tests */
    RefreshSchedule(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    static RefreshSchedule every(Duration interval) {
        return new RefreshSchedule(interval, System::nanoTime);
    }

    /** The time a listing begins, to hand to {@link #listedSince} when it ends. */
    long now() {
        return nanoClock.getAsLong();
    }

    /** A listing that began at {@code startedNanos} ({@link #now}) and ends now. */
    Listed listedSince(long startedNanos) {
        long ended = nanoClock.getAsLong();
        return new Listed(ended, Math.max(0, ended - startedNanos));
    }

    /** Whether a directory listed as {@code last} (null: never) needs no listing now. */
    boolean isFresh(Listed last) {
        if (last == null) {
            return false;
        }
        if (intervalNanos <= 0) {
            return true;
        }
        long wait = Math.max(intervalNanos, saturatingTimes(last.tookNanos(), LISTING_COST_FACTOR));
        return nanoClock.getAsLong() - last.endedNanos() < wait;
    }

    private static long saturatingTimes(long nanos, int factor) {
        return nanos > Long.MAX_VALUE / factor ? Long.MAX_VALUE : nanos * factor;
    }
}
