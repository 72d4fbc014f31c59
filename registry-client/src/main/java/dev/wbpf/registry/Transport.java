package dev.wbpf.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Runs a request through the interceptors, then {@link HttpClient}. */
final class Transport {
    private final HttpClient http;
    private final List<Interceptor> interceptors;

    Transport(HttpClient http, List<Interceptor> interceptors) {
        this.http = http;
        this.interceptors = List.copyOf(interceptors);
    }

    HttpResponse<InputStream> execute(HttpRequest request) throws IOException {
        return new RealChain(0, request).proceed(request);
    }

    /** Closes a response's body, ignoring failures: for responses whose body we don't want. */
    static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.transferTo(OutputStreamNull.INSTANCE);
        } catch (IOException ignored) {
            // the connection is dropped instead of reused; nothing else to do
        }
    }

    private final class RealChain implements Interceptor.Chain {
        private final int index;
        private final HttpRequest request;

        RealChain(int index, HttpRequest request) {
            this.index = index;
            this.request = request;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public HttpResponse<InputStream> proceed(HttpRequest next) throws IOException {
            if (index < interceptors.size()) {
                return interceptors.get(index).intercept(new RealChain(index + 1, next));
            }
            try {
                return http.send(next, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during " + next.method() + " " + next.uri());
            }
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
