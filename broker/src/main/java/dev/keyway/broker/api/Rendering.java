package dev.keyway.broker.api;

import dev.keyway.broker.exchange.Exchanged;
import dev.keyway.broker.json.JsonBytes;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Turns a minted credential into the requested response format (CONTRACT §4). */
final class Rendering {

    /** The body as UTF-8 bytes, what the response carries: JSON goes straight from the generator to bytes. */
    record Rendered(String contentType, byte[] body) {
    }

    /** Per grant type: credential field → environment variable, for the {@code env} format. */
    private static final Map<String, Map<String, String>> ENV_NAMES = Map.of(
            "jwt", Map.of("token", "KEYWAY_TOKEN"),
            "aws", Map.of("accessKeyId", "AWS_ACCESS_KEY_ID", "secretAccessKey", "AWS_SECRET_ACCESS_KEY",
                    "sessionToken", "AWS_SESSION_TOKEN"),
            "gcp", Map.of("accessToken", "CLOUDSDK_AUTH_ACCESS_TOKEN"),
            "azure", Map.of("accessToken", "AZURE_ACCESS_TOKEN"));

    private Rendering() {
    }

    static Rendered render(Exchanged result) {
        return switch (result.format()) {
            case ENV -> new Rendered("text/plain; charset=utf-8", env(result).getBytes(StandardCharsets.UTF_8));
            case EXEC_CREDENTIAL -> new Rendered("application/json", JsonBytes.of(execCredential(result)));
            case AWS_CREDENTIAL_PROCESS -> new Rendered("application/json", JsonBytes.of(awsCredentialProcess(result)));
            case GCP_EXECUTABLE -> new Rendered("application/json", JsonBytes.of(gcpExecutable(result)));
            default -> new Rendered("application/json", JsonBytes.of(json(result)));
        };
    }

    private static Map<String, Object> json(Exchanged result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("binding", result.binding());
        body.put("type", result.type());
        body.put("expiresAt", timestamp(result));
        body.put("requestId", result.requestId());
        body.put("credentials", result.credential().credentials());
        return body;
    }

    /** dotenv lines a shell can also source ({@code set -a; . ./keyway.env}). */
    private static String env(Exchanged result) {
        StringBuilder out = new StringBuilder();
        Map<String, String> names = ENV_NAMES.getOrDefault(result.type(), Map.of());
        result.credential().credentials().forEach((field, value) -> {
            String name = names.getOrDefault(field, "KEYWAY_" + field.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
            out.append(name).append('=').append(envValue(value)).append('\n');
        });
        out.append("KEYWAY_EXPIRES_AT=").append(timestamp(result)).append('\n');
        return out.toString();
    }

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9_./:@+=,-]*");

    /**
     * Tokens and keys stay bare. A list joins with commas (principals) or, for multi-line items
     * (PEM certificates), end to end. Anything with spaces or newlines (a PEM, an OpenSSH
     * certificate line) is single-quoted, which dotenv and POSIX shells both read literally,
     * newlines included; a value holding a quote falls back to double quotes with escapes.
     */
    static String envValue(Object value) {
        String text;
        if (value instanceof java.util.List<?> list) {
            boolean multiline = list.stream().anyMatch(item -> String.valueOf(item).contains("\n"));
            text = String.join(multiline ? "" : ",", list.stream().map(String::valueOf).toList());
        } else {
            text = String.valueOf(value);
        }
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        if (text.indexOf('\'') < 0) {
            return "'" + text + "'";
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`")
                .replace("\n", "\\n") + '"';
    }

    /** A {@code client.authentication.k8s.io/v1} ExecCredential, for kubectl's exec credential plugins. */
    private static Map<String, Object> execCredential(Exchanged result) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("token", result.credential().credentials().get("token"));
        status.put("expirationTimestamp", timestamp(result));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "client.authentication.k8s.io/v1");
        body.put("kind", "ExecCredential");
        body.put("status", status);
        return body;
    }

    /** The {@code credential_process} output the AWS CLI and SDKs read ({@code Version: 1}). */
    private static Map<String, Object> awsCredentialProcess(Exchanged result) {
        Map<String, Object> credentials = result.credential().credentials();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Version", 1);
        body.put("AccessKeyId", credentials.get("accessKeyId"));
        body.put("SecretAccessKey", credentials.get("secretAccessKey"));
        body.put("SessionToken", credentials.get("sessionToken"));
        body.put("Expiration", timestamp(result));
        return body;
    }

    /**
     * Google's executable-sourced credential response: the gcp grant hands back a Keyway-minted
     * subject token ({@code subjectToken}), which the client library exchanges at Google STS itself.
     */
    private static Map<String, Object> gcpExecutable(Exchanged result) {
        Map<String, Object> credentials = result.credential().credentials();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", 1);
        body.put("success", true);
        body.put("token_type", credentials.getOrDefault("subjectTokenType", "urn:ietf:params:oauth:token-type:jwt"));
        body.put("id_token", credentials.get("subjectToken"));
        body.put("expiration_time", result.credential().expiresAt().getEpochSecond());
        return body;
    }

    private static String timestamp(Exchanged result) {
        return DateTimeFormatter.ISO_INSTANT.format(result.credential().expiresAt().truncatedTo(ChronoUnit.SECONDS));
    }
}
