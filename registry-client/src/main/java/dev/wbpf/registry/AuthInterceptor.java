package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authenticates requests to registry API paths ({@code /v2/...}): anonymous until the registry
 * answers 401, then Basic or the Bearer token flow its {@code WWW-Authenticate} challenge asks
 * for. What a host asked for is remembered, so later requests authenticate up front; bearer
 * tokens (anonymous ones too) are cached per host and scope until they expire. Requests to other
 * paths (blob storage a registry redirects to) go out without credentials.
 */
final class AuthInterceptor implements Interceptor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO_PATH = Pattern.compile("^/v2/(.+?)/(manifests|blobs|tags|referrers)(/.*)?$");
    private static final Pattern FROM = Pattern.compile("(?:^|&)from=([^&]+)");

    private record Token(String value, Instant expires) {
    }

    private final CredentialStore credentials;
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    AuthInterceptor(CredentialStore credentials) {
        this.credentials = credentials;
    }

    @Override
    public HttpResponse<InputStream> intercept(Chain chain) throws IOException {
        HttpRequest request = chain.request();
        URI uri = request.uri();
        if (!uri.getRawPath().startsWith("/v2/") || request.headers().firstValue("Authorization").isPresent()) {
            return chain.proceed(request);
        }
        String host = registryName(uri.getRawAuthority());
        List<String> scopes = scopes(request);
        Challenge known = challenges.get(host);
        String sent = known == null ? null : authorization(chain, host, known, scopes, false);
        HttpResponse<InputStream> response = chain.proceed(withAuth(request, sent));
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<Challenge> asked = Challenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null));
        Transport.discard(response);
        if (asked.isEmpty()) {
            throw new AuthenticationException("registry " + host + " refused the request (401) without saying how to authenticate",
                    401);
        }
        Challenge challenge = asked.get();
        challenges.put(host, challenge);
        List<String> wanted = new ArrayList<>(scopes);
        String scope = challenge.param("scope");
        if (scope != null) {
            for (String s : scope.split(" ")) {
                if (!s.isBlank() && !wanted.contains(s)) {
                    wanted.add(s);
                }
            }
        }
        String retry = authorization(chain, host, challenge, wanted, true);
        if (retry == null || retry.equals(sent)) {
            throw needCredentials(host);
        }
        HttpResponse<InputStream> second = chain.proceed(withAuth(request, retry));
        if (second.statusCode() == 401) {
            Transport.discard(second);
            throw credentials.get(host).isPresent() ? refused(host) : needCredentials(host);
        }
        return second;
    }

    /** The Authorization header for a host's challenge, or null when there is nothing to send. */
    private String authorization(Chain chain, String host, Challenge challenge, List<String> scopes, boolean fresh)
            throws IOException {
        Optional<Credentials> creds = credentials.get(host);
        switch (challenge.scheme()) {
            case "basic" -> {
                return creds.map(Credentials::basicHeader).orElse(null);
            }
            case "bearer" -> {
                String key = host + " " + String.join(" ", scopes);
                Token cached = tokens.get(key);
                if (!fresh && cached != null && cached.expires().isAfter(Instant.now())) {
                    return "Bearer " + cached.value();
                }
                Token token = fetchToken(chain, host, challenge, scopes, creds);
                tokens.put(key, token);
                return "Bearer " + token.value();
            }
            default -> throw new AuthenticationException("registry " + host + " asks for `" + challenge.scheme()
                    + "` authentication, which wbpf does not speak (it speaks Basic and Bearer)", 401);
        }
    }

    private Token fetchToken(Chain chain, String host, Challenge challenge, List<String> scopes,
                             Optional<Credentials> creds) throws IOException {
        String realm = challenge.param("realm");
        if (realm == null || realm.isBlank()) {
            throw new AuthenticationException("registry " + host + " asked for a bearer token without a realm", 401);
        }
        String service = challenge.param("service");
        HttpRequest.Builder builder;
        if (creds.isPresent() && creds.get().identityToken()) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=wbpf&refresh_token=")
                    .append(enc(creds.get().password()));
            if (service != null) {
                form.append("&service=").append(enc(service));
            }
            form.append("&scope=").append(enc(String.join(" ", scopes)));
            builder = HttpRequest.newBuilder(URI.create(realm))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        } else {
            StringBuilder query = new StringBuilder();
            if (service != null) {
                query.append("service=").append(enc(service));
            }
            for (String scope : scopes) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
            }
            String url = realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query);
            builder = HttpRequest.newBuilder(URI.create(url)).GET();
            creds.ifPresent(c -> builder.header("Authorization", c.basicHeader()));
        }
        HttpResponse<InputStream> response = chain.proceed(builder.timeout(Duration.ofSeconds(60)).build());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(1 << 20);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw creds.isPresent() ? refused(host) : needCredentials(host);
        }
        if (response.statusCode() != 200) {
            throw new AuthenticationException("token service " + realm + " for registry " + host + " answered "
                    + response.statusCode(), response.statusCode());
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AuthenticationException("token service " + realm + " answered something other than JSON", 200);
        }
        String value = json.path("token").asText(json.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new AuthenticationException("token service " + realm + " answered without a token", 200);
        }
        long seconds = Math.max(60, json.path("expires_in").asLong(60));
        return new Token(value, Instant.now().plusSeconds(seconds - 10));
    }

    /** The token scopes a request needs: its repository, and a mount's source repository. */
    private static List<String> scopes(HttpRequest request) {
        Matcher m = REPO_PATH.matcher(request.uri().getRawPath());
        if (!m.matches()) {
            return List.of(); // GET /v2/ (ping, login): a token for no repository in particular
        }
        String actions = switch (request.method()) {
            case "GET", "HEAD" -> "pull";
            case "DELETE" -> "delete";
            default -> "pull,push";
        };
        List<String> scopes = new ArrayList<>();
        scopes.add("repository:" + m.group(1) + ":" + actions);
        String query = request.uri().getRawQuery();
        if (query != null) {
            Matcher from = FROM.matcher(query);
            if (from.find()) {
                scopes.add("repository:" + java.net.URLDecoder.decode(from.group(1), StandardCharsets.UTF_8) + ":pull");
            }
        }
        return scopes;
    }

    private static HttpRequest withAuth(HttpRequest request, String authorization) {
        if (authorization == null) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", authorization).build();
    }

    /** The name users log in with: Docker Hub's API host is {@code registry-1.docker.io}, its name {@code docker.io}. */
    static String registryName(String apiHost) {
        return apiHost.equals("registry-1.docker.io") ? Reference.DEFAULT_REGISTRY : apiHost;
    }

    static AuthenticationException needCredentials(String host) {
        return new AuthenticationException("registry " + host + " asked for credentials: run `wbpf login " + host + "`", 401);
    }

    private static AuthenticationException refused(String host) {
        return new AuthenticationException("registry " + host + " refused the credentials wbpf has for it: run `wbpf login "
                + host + "` again", 401);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
