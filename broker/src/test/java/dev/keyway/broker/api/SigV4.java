package dev.keyway.broker.api;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recomputes an AWS Signature Version 4 for a request WireMock received, from its own headers and
 * body and a secret key: equal signatures prove the client signed with that secret. Covers what
 * the AWS CLI sends to an STS endpoint (POST, path "/", no query string).
 */
final class SigV4 {

    static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    record Authorization(String accessKeyId, String date, String region, String service, String signedHeaders, String signature) {
    }

    private SigV4() {
    }

    static Authorization parse(String header) {
        Matcher m = AUTHORIZATION.matcher(header == null ? "" : header);
        if (!m.matches()) {
            throw new AssertionError("not a SigV4 Authorization header: " + header);
        }
        return new Authorization(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6));
    }

    /**
     * Whether {@code secretAccessKey} gives this request its signature. Jetty (inside WireMock)
     * hands well-known Content-Type values over in its own spelling ({@code charset=UTF-8} for the
     * {@code charset=utf-8} botocore sends), and SigV4 signs the bytes as sent, so both spellings
     * of the charset parameter are tried; nothing else is.
     */
    static boolean signedWith(LoggedRequest request, String secretAccessKey) throws Exception {
        String signature = parse(request.getHeader("Authorization")).signature();
        String contentType = request.getHeader("Content-Type");
        for (String spelling : new String[] {contentType, contentType.replace("charset=UTF-8", "charset=utf-8")}) {
            if (signature.equals(expectedSignature(request, secretAccessKey, Map.of("content-type", spelling)))) {
                return true;
            }
        }
        return false;
    }

    /** The signature {@code secretAccessKey} gives this request, with {@code overrides} for header values. */
    static String expectedSignature(LoggedRequest request, String secretAccessKey, Map<String, String> overrides) throws Exception {
        Authorization auth = parse(request.getHeader("Authorization"));
        StringBuilder canonical = new StringBuilder();
        canonical.append(request.getMethod().getName()).append('\n');
        String path = request.getUrl().contains("?") ? request.getUrl().substring(0, request.getUrl().indexOf('?')) : request.getUrl();
        canonical.append(path.isEmpty() ? "/" : path).append('\n');
        canonical.append("").append('\n'); // no query string
        for (String name : auth.signedHeaders().split(";")) {
            String value = overrides.getOrDefault(name, request.getHeader(name));
            canonical.append(name).append(':').append(value.trim().replaceAll(" +", " ")).append('\n');
        }
        canonical.append('\n').append(auth.signedHeaders()).append('\n');
        String payloadHash = request.containsHeader("X-Amz-Content-SHA256")
                ? request.getHeader("X-Amz-Content-SHA256") : hex(sha256(request.getBody()));
        canonical.append(payloadHash);
        String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + request.getHeader("X-Amz-Date") + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
