package dev.keyway.providers.aws;

import dev.keyway.spi.IssueException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What an STS failure means for the caller. Refusals (4xx: the trust policy, the token, the
 * session policy) are {@code upstream_denied}, never retried and never held against STS's
 * circuit breaker. Throttling and 5xx are retried; if they persist, throttling is
 * {@code unavailable} (try again later) and 5xx {@code upstream_error}. Timeouts are not retried
 * (a hanging STS must not hold a CI job for several timeouts) and, like connection failures and
 * unreadable responses, are {@code upstream_error}. Messages carry what AWS said and never a
 * credential: no response body, no token.
 */
final class StsFailures {

    /** What was asked, for messages: the caller needs the role and, for web identity, the claims STS judged. */
    record Attempt(AwsGrant grant, String sessionName, Optional<String> subject, String publicUrl, java.time.Duration timeout) {
    }

    private static final String IDP_COMMUNICATION = "IDPCommunicationError";

    private StsFailures() {
    }

    static boolean retryable(Throwable t) {
        if (t instanceof AwsServiceException e) {
            return e.isThrottlingException() || e.statusCode() >= 500 || IDP_COMMUNICATION.equals(code(e));
        }
        return t instanceof SdkClientException && !timedOut(t) && causedBy(t, IOException.class);
    }

    /** Refusals say nothing about STS's health; everything else does. */
    static boolean countsAsFailure(Throwable t) {
        return !(t instanceof AwsServiceException) || retryable(t);
    }

    static IssueException translate(Exception failure, Attempt attempt) {
        AwsGrant grant = attempt.grant();
        String action = grant.mode().action();
        if (failure instanceof AwsServiceException e) {
            String code = Optional.ofNullable(code(e)).orElse("HTTP" + e.statusCode());
            String message = Optional.ofNullable(e.awsErrorDetails()).map(d -> d.errorMessage()).orElse("(no message)");
            Map<String, String> upstream = upstream(attempt, code, message, e.requestId());
            String said = "AWS STS answered " + action + " for role " + grant.roleArn() + " with " + code + ": " + message;
            if (e.isThrottlingException() || e.statusCode() == 503) {
                return new IssueException("unavailable", said + " (still after retries; try again shortly)", upstream, e);
            }
            if (e.statusCode() >= 500 || IDP_COMMUNICATION.equals(code)) {
                return new IssueException("upstream_error", said + hint(code, attempt), upstream, e);
            }
            return new IssueException("upstream_denied", said + hint(code, attempt), upstream, e);
        }
        Map<String, String> upstream = upstream(attempt, null, null, null);
        if (timedOut(failure)) {
            return new IssueException("upstream_error", "AWS STS at " + grant.endpoint() + " did not answer " + action
                    + " for role " + grant.roleArn() + " within " + attempt.timeout().toMillis() / 1000.0 + "s", upstream, failure);
        }
        if (failure instanceof SdkClientException && causedBy(failure, IOException.class)) {
            Throwable io = cause(failure, IOException.class);
            return new IssueException("upstream_error", "cannot reach AWS STS at " + grant.endpoint() + " for " + action
                    + ": " + io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage()), upstream, failure);
        }
        if (failure instanceof SdkClientException && grant.mode() == Mode.ASSUME_ROLE
                && String.valueOf(failure.getMessage()).contains("Unable to load credentials")) {
            return new IssueException("upstream_error", "assume-role mode: the broker has no AWS identity of its own to call"
                    + " AssumeRole with (give it one: IRSA, EKS Pod Identity, an instance profile or AWS_* variables)", upstream, failure);
        }
        // An unreadable answer may hold credentials: neither its text nor the parser's message is repeated.
        return new IssueException("upstream_error", "AWS STS at " + grant.endpoint() + " sent a response to " + action
                + " that is not a readable " + action + "Response (" + failure.getClass().getSimpleName() + ")", upstream, null);
    }

    private static Map<String, String> upstream(Attempt attempt, String code, String message, String requestId) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("service", "sts");
        out.put("action", attempt.grant().mode().action());
        if (code != null) {
            out.put("code", code);
            out.put("message", message);
        }
        out.put("role", attempt.grant().roleArn());
        out.put("sessionName", attempt.sessionName());
        attempt.subject().ifPresent(sub -> {
            out.put("sub", sub);
            out.put("aud", WebIdentityTokens.AUDIENCE);
        });
        if (requestId != null && !requestId.isBlank()) {
            out.put("requestId", requestId);
        }
        return out;
    }

    /** What to check, per error code: the usual cause of each refusal. */
    private static String hint(String code, Attempt attempt) {
        boolean web = attempt.grant().mode() == Mode.WEB_IDENTITY;
        String provider = URI.create(attempt.publicUrl()).getHost() + pathOf(attempt.publicUrl());
        return switch (code) {
            case "AccessDenied" -> web
                    ? ". Check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity"
                    + (attempt.grant().sessionTags().isEmpty() ? "" : " and sts:TagSession")
                    + (attempt.grant().sourceIdentity().isPresent() ? " and sts:SetSourceIdentity" : "")
                    + " for the OIDC provider " + provider + " with " + provider + ":aud = " + WebIdentityTokens.AUDIENCE
                    + " and a " + provider + ":sub condition matching '" + attempt.subject().orElse("") + "'"
                    : ". The broker's own identity needs sts:AssumeRole"
                    + (attempt.grant().sessionTags().isEmpty() ? "" : " and sts:TagSession")
                    + (attempt.grant().sourceIdentity().isPresent() ? " and sts:SetSourceIdentity" : "")
                    + " on this role, and the role's trust policy must name the broker's principal";
            case "InvalidIdentityToken" -> ". AWS could not verify Keyway's token: the account needs an IAM OIDC provider for "
                    + attempt.publicUrl() + " with audience " + WebIdentityTokens.AUDIENCE + ", and AWS must be able to fetch "
                    + attempt.publicUrl() + "/.well-known/openid-configuration and its jwks_uri";
            case "IDPRejectedClaim" -> ". The IAM OIDC provider for " + provider + " must list " + WebIdentityTokens.AUDIENCE
                    + " among its audiences (client IDs)";
            case IDP_COMMUNICATION -> ". AWS could not fetch Keyway's keys from " + attempt.publicUrl()
                    + "/.well-known/jwks.json; the public URL must be reachable from AWS";
            case "ExpiredToken", "ExpiredTokenException" -> web ? ". The token expired before STS checked it: check the broker's clock"
                    : ". The broker's own AWS session has expired";
            case "MalformedPolicyDocument" -> ". The binding's session-policy is not a policy IAM accepts";
            case "PackedPolicyTooLarge" -> ". session-policy and session-tags together exceed STS's packed size limit; shorten them";
            case "RegionDisabled", "RegionDisabledException" -> ". Activate STS in region " + attempt.grant().region()
                    + " (IAM account settings) or choose another region";
            case "ValidationError" -> ". STS refused a parameter; a ttl above the role's MaxSessionDuration is the usual"
                    + " cause (raise it on the role, or lower max-ttl)";
            default -> "";
        };
    }

    private static String pathOf(String url) {
        String path = URI.create(url).getPath();
        return path == null || path.equals("/") ? "" : path;
    }

    static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static boolean timedOut(Throwable t) {
        return t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                || causedBy(t, SocketTimeoutException.class)
                || causedBy(t, InterruptedIOException.class) && !causedBy(t, java.net.ConnectException.class);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return cause(t, type) != null;
    }

    private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }
}
