package dev.keyway.providers.azure;

import com.microsoft.aad.msal4j.MsalServiceException;
import dev.keyway.spi.IssueException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong when asking Entra ID, in the contract's terms. Azure Identity wraps what fails
 * (ClientAuthenticationException → ExecutionException → MsalClientException → {@link EntraAnswer}),
 * so every decision looks through the cause chain.
 *
 * <ul>
 *   <li>an AAD error answer (4xx) is a refusal: {@code upstream_denied} with Entra ID's own AADSTS
 *       code and description; never retried, never counted against the circuit breaker;</li>
 *   <li>429 is retried with backoff, then {@code unavailable}; 5xx is retried, then
 *       {@code upstream_error};</li>
 *   <li>connection failures are retried; timeouts are not (a hanging endpoint would multiply the
 *       wait); both end as {@code upstream_error};</li>
 *   <li>an answer Keyway cannot use is {@code upstream_error}, and its text is never quoted: it
 *       may hold a token.</li>
 * </ul>
 */
final class EntraFailure {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final int MAX_MESSAGE = 1000;

    /** What the exchange was about, for messages: the caller needs these to fix the Azure side. */
    record Context(String clientId, String tenantId, String authorityHost, String issuer, String subject, String audience,
                   EntraHttp.Timeouts timeouts) {
    }

    private EntraFailure() {
    }

    static boolean retryable(Throwable failure) {
        Optional<Integer> status = status(failure);
        if (status.isPresent()) {
            return status.get() == 429 || status.get() >= 500;
        }
        return !isTimeout(failure) && find(failure, IOException.class).isPresent();
    }

    /** Outages trip the breaker; refusals (a misconfigured binding) must not block every other binding. */
    static boolean countsAsFailure(Throwable failure) {
        Optional<Integer> status = status(failure);
        return status.isEmpty() || status.get() == 429 || status.get() >= 500 || status.get() == 200;
    }

    static IssueException translate(Exception failure, Context about) {
        Optional<EntraAnswer> answer = find(failure, EntraAnswer.class);
        if (answer.isPresent()) {
            return answered(answer.get(), about);
        }
        Optional<MsalServiceException> msal = find(failure, MsalServiceException.class);
        if (msal.isPresent() && msal.get().statusCode() != null && msal.get().statusCode() > 0) {
            // Not a token answer (those are read by EntraAnswer.Check): instance discovery refusing the authority host.
            return answered(new EntraAnswer(msal.get().statusCode(), EntraAnswer.Kind.AAD_ERROR, msal.get().errorCode(),
                    String.valueOf(msal.get().getMessage()), List.of()), about);
        }
        if (isTimeout(failure)) {
            long seconds = about.timeouts().response().toSeconds();
            return new IssueException("upstream_error", "Entra ID at " + about.authorityHost() + " did not answer the token request for app "
                    + about.clientId() + " within " + seconds + "s", upstream(about, "timeout", "no answer within " + seconds + "s"), null);
        }
        Optional<IOException> io = find(failure, IOException.class);
        if (io.isPresent()) {
            String what = io.get().getClass().getSimpleName() + (io.get().getMessage() == null ? "" : ": " + io.get().getMessage());
            return new IssueException("upstream_error", "cannot reach Entra ID at " + about.authorityHost() + ": " + what,
                    upstream(about, "unreachable", what), null);
        }
        // Anything else: name the kind only, its text may quote what it failed on.
        return new IssueException("upstream_error", "the token request for app " + about.clientId() + " failed ("
                + rootCause(failure).getClass().getSimpleName() + ")", upstream(about, "client_error", "the token request failed"), null);
    }

    private static IssueException answered(EntraAnswer answer, Context about) {
        int status = answer.status();
        if (answer.kind() == EntraAnswer.Kind.MALFORMED_TOKEN) {
            return new IssueException("upstream_error", "Entra ID answered the token request for app " + about.clientId()
                    + " without a usable access token (" + answer.description() + ")",
                    upstream(about, "malformed_response", answer.description()), null);
        }
        if (answer.kind() == EntraAnswer.Kind.UNREADABLE_ERROR) {
            Map<String, String> upstream = upstream(about, "http_" + status, "HTTP " + status + " without Entra ID's error JSON");
            upstream.put("status", Integer.toString(status));
            String what = "Entra ID at " + about.authorityHost() + " answered the token request with HTTP " + status
                    + " and a body that is not Entra ID's error JSON";
            return new IssueException(status == 429 ? "unavailable" : "upstream_error",
                    status >= 400 && status < 500 && status != 429 ? what + ": check authority-host and tenant-id" : what, upstream, null);
        }
        String description = clean(answer.description());
        String code = aadstsCode(description)
                .or(() -> answer.codes().stream().findFirst().map(c -> "AADSTS" + c))
                .orElse(answer.error().orElse("unknown"));
        Map<String, String> upstream = upstream(about, code, description);
        answer.error().ifPresent(e -> upstream.put("error", e));
        upstream.put("status", Integer.toString(status));
        if (status == 429) {
            return new IssueException("unavailable", "Entra ID is throttling token requests for app " + about.clientId()
                    + " in tenant " + about.tenantId() + " (" + code + "); retry later", upstream, null);
        }
        if (status >= 500) {
            return new IssueException("upstream_error", "Entra ID failed the token request for app " + about.clientId()
                    + " (HTTP " + status + ", " + code + "): " + description, upstream, null);
        }
        return new IssueException("upstream_denied", "Entra ID refused the token request for app " + about.clientId()
                + " in tenant " + about.tenantId() + " (" + code + "): " + description + hint(code, about), upstream, null);
    }

    /** The one thing to check for the refusals people meet first. */
    private static String hint(String code, Context about) {
        return switch (code) {
            case "AADSTS70021", "AADSTS700211", "AADSTS700212", "AADSTS700213" -> ". The app (or user-assigned managed "
                    + "identity) needs a federated identity credential with issuer '" + about.issuer() + "', subject '"
                    + about.subject() + "' and audience '" + about.audience() + "', exactly";
            case "AADSTS700024" -> ". Keyway's client assertion was outside its validity window: check the broker host's clock";
            case "AADSTS700016" -> ". No app with client ID " + about.clientId() + " exists in tenant " + about.tenantId()
                    + ": check client-id and tenant-id";
            case "AADSTS90002" -> ". Tenant " + about.tenantId() + " does not exist in this cloud: check tenant-id and authority-host";
            default -> "";
        };
    }

    private static Map<String, String> upstream(Context about, String code, String message) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("service", "entra");
        out.put("code", code);
        out.put("message", message);
        out.put("clientId", about.clientId());
        out.put("tenantId", about.tenantId());
        out.put("issuer", about.issuer());
        out.put("subject", about.subject());
        return out;
    }

    static Optional<String> aadstsCode(String description) {
        Matcher m = AADSTS.matcher(description);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** AAD descriptions span lines (Trace ID, Correlation ID, Timestamp): one line, bounded. */
    private static String clean(String message) {
        String text = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text;
    }

    /** The HTTP status Entra ID answered with, when it answered at all. */
    private static Optional<Integer> status(Throwable failure) {
        Optional<EntraAnswer> answer = find(failure, EntraAnswer.class);
        if (answer.isPresent()) {
            return Optional.of(answer.get().status());
        }
        return find(failure, MsalServiceException.class).map(MsalServiceException::statusCode).filter(s -> s > 0);
    }

    private static boolean isTimeout(Throwable failure) {
        return find(failure, HttpTimeoutException.class).isPresent() || find(failure, SocketTimeoutException.class).isPresent()
                || find(failure, TimeoutException.class).isPresent();
    }

    static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
