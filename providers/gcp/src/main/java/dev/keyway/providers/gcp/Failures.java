package dev.keyway.providers.gcp;

import dev.keyway.spi.IssueException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a failed Google call into the caller's error: Google's refusals become
 * {@code upstream_denied} with Google's own code and message and what Keyway sent (provider,
 * subject, service account), so the fix is visible; throttling and 503 become {@code unavailable};
 * everything else {@code upstream_error}. No token ever reaches a message.
 */
final class Failures {

    /** A JWT (the subject token) and a Google OAuth access token, should an error body echo one. */
    private static final Pattern SECRETS = Pattern.compile(
            "eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*|ya29\\.[A-Za-z0-9_.-]+");
    private static final int MAX_MESSAGE = 500;

    /** Which call failed and what was sent, for messages and the problem's {@code upstream} member. */
    record Context(String service, String endpoint, GcpGrant grant, String subject) {
        String serviceName() {
            return service.equals("sts") ? "Google STS" : "IAM Credentials";
        }
    }

    private Failures() {
    }

    static IssueException translate(Exception failure, Context context) {
        if (failure instanceof GoogleFailure.Answered answered) {
            return answered(answered, context);
        }
        String what = context.serviceName() + " at " + context.endpoint();
        if (failure instanceof GoogleFailure.TimedOut) {
            return new IssueException("upstream_error", "gcp grant: " + what + " did not answer in time", failure);
        }
        if (failure instanceof GoogleFailure.Unreachable unreachable) {
            return new IssueException("upstream_error", "gcp grant: could not reach " + what + " ("
                    + clean(unreachable.getCause() == null ? unreachable.getMessage() : describe(unreachable.getCause())) + ")", failure);
        }
        if (failure instanceof GoogleFailure.Malformed malformed) {
            return new IssueException("upstream_error", "gcp grant: " + what + " answered with a malformed response: "
                    + malformed.getMessage(), failure);
        }
        return new IssueException("upstream_error", "gcp grant: calling " + what + " failed ("
                + failure.getClass().getSimpleName() + ")", failure);
    }

    private static IssueException answered(GoogleFailure.Answered answered, Context context) {
        Map<String, String> upstream = new LinkedHashMap<>();
        upstream.put("service", context.service());
        upstream.put("status", Integer.toString(answered.status));
        upstream.put("code", clean(answered.code));
        upstream.put("message", clean(answered.detail));
        upstream.put("workloadIdentityProvider", context.grant().provider());
        upstream.put("subject", context.subject());
        context.grant().serviceAccount().ifPresent(sa -> upstream.put("serviceAccount", sa));
        String said = " (HTTP " + answered.status + " " + clean(answered.code)
                + (answered.detail.isEmpty() ? "" : ": " + clean(answered.detail)) + ")";
        if (answered.refusal()) {
            return new IssueException("upstream_denied", "gcp grant: " + context.serviceName() + " refused "
                    + (context.service().equals("sts") ? "the token exchange" : "to issue a token for " + context.grant().serviceAccount().orElse("?"))
                    + said + hint(context), upstream, answered);
        }
        String code = answered.status == 429 || answered.status == 503 ? "unavailable" : "upstream_error";
        return new IssueException(code, "gcp grant: " + context.serviceName() + " at " + context.endpoint() + " failed" + said,
                upstream, answered);
    }

    /** What usually fixes a refusal, with the values Keyway sent. */
    private static String hint(Context context) {
        if (context.service().equals("sts")) {
            return "; check that provider " + context.grant().provider() + " trusts Keyway's issuer (keyway.public-url) "
                    + "and that its attribute condition admits subject '" + context.subject() + "'";
        }
        String provider = context.grant().provider();
        String pool = provider.substring(GcpGrants.RESOURCE_PREFIX.length(), provider.lastIndexOf("/providers/"));
        return "; grant roles/iam.workloadIdentityUser on it to principal://iam.googleapis.com/" + pool + "/subject/"
                + context.subject() + " (or a principalSet of the pool)";
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** Google's words, without anything that looks like a token, and bounded. */
    static String clean(String text) {
        String out = SECRETS.matcher(text == null ? "" : text).replaceAll("[redacted]");
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "..." : out;
    }
}
