package dev.wbpf.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One link in the request chain (the OkHttp model): looks at or rewrites an immutable
 * {@link HttpRequest}, passes it on with {@link Chain#proceed}, and may look at, retry or
 * replace the response. Auth and retries are interceptors; tests add their own to watch traffic.
 * An interceptor that drops a response must close its body.
 */
@FunctionalInterface
public interface Interceptor {

    HttpResponse<InputStream> intercept(Chain chain) throws IOException;

    /** The rest of the chain, ending in the network. */
    interface Chain {
        HttpRequest request();

        HttpResponse<InputStream> proceed(HttpRequest request) throws IOException;
    }
}
