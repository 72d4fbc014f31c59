package dev.wbpf.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * Retries with exponential backoff on connection failures and on 429/500/502/503/504, within a
 * {@link RetryPolicy}. A request that may have reached the server is retried only if its method
 * is idempotent; one that could not connect is always safe to send again.
 */
final class RetryInterceptor implements Interceptor {
    private static final Set<Integer> RETRY_STATUS = Set.of(429, 500, 502, 503, 504);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private final RetryPolicy policy;

    RetryInterceptor(RetryPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HttpResponse<InputStream> intercept(Chain chain) throws IOException {
        HttpRequest request = chain.request();
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= policy.maxAttempts();
            HttpResponse<InputStream> response;
            try {
                response = chain.proceed(request);
            } catch (RegistryException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (last || !retryable(e, request) || !sleep(policy.backoff(attempt), start)) {
                    throw e;
                }
                continue;
            }
            if (last || !RETRY_STATUS.contains(response.statusCode())) {
                return response;
            }
            Duration wait = retryAfter(response).orElse(policy.backoff(attempt));
            if (wait.compareTo(policy.maxBackoff()) > 0) {
                wait = policy.maxBackoff();
            }
            if (!canWait(wait, start)) {
                return response;
            }
            Transport.discard(response);
            sleep(wait, start);
        }
    }

    private static boolean retryable(IOException e, HttpRequest request) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException) {
            return true;
        }
        return IDEMPOTENT.contains(request.method());
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty(); // an HTTP date: use our own backoff
            }
        });
    }

    private boolean canWait(Duration wait, long start) {
        long elapsed = System.nanoTime() - start;
        return elapsed + wait.toNanos() < policy.maxTotal().toNanos();
    }

    private boolean sleep(Duration wait, long start) throws InterruptedIOException {
        if (!canWait(wait, start)) {
            return false;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
        return true;
    }
}
