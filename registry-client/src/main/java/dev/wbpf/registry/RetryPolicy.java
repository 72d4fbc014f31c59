package dev.wbpf.registry;

import java.time.Duration;

/**
 * How often and how long to retry a request that failed to connect or got 429/5xx: at most
 * {@code maxAttempts} tries in all, waiting {@code initialBackoff}, doubling up to
 * {@code maxBackoff} (or what {@code Retry-After} asks, capped the same way), never starting a
 * try after {@code maxTotal} has passed since the first.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(30));
    }

    /** One try, no retries. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
