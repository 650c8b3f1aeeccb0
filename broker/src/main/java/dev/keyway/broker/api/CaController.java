package dev.keyway.broker.api;

import dev.keyway.broker.keys.CertificateAuthorities;
import dev.keyway.broker.problem.KeywayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import java.time.Duration;
import java.util.Optional;

/**
 * The trust anchors of Keyway's certificate grants: what verifiers and sshd configure once. Both
 * documents are computed at startup; they change only when the key set does (a restart after
 * {@code keys rotate}).
 */
@Controller("/v1/ca")
public class CaController {

    /** RFC 8555 §9.1: a PEM certificate sequence; curl and openssl read it as is. */
    static final String PEM_CHAIN = "application/pem-certificate-chain";
    private static final Duration RETRY = Duration.ofSeconds(60);

    private final CertificateAuthorities authorities;

    public CaController(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    /** The X.509 trust bundle: the current root and earlier roots not yet expired. */
    @Get(uri = "/x509", produces = PEM_CHAIN)
    public HttpResponse<String> x509() throws KeywayException {
        String bundle = authorities.x509Bundle().orElseThrow(() -> KeywayException.unavailable(
                "no X.509 CA in keys.dir; run keys init/rotate", RETRY, null));
        return HttpResponse.ok(bundle).contentType(PEM_CHAIN).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300");
    }

    /**
     * The SSH user CA keys, current and previous. Default: one key per line, a TrustedUserCAKeys
     * file as it is; {@code ?format=authorized_keys}: {@code cert-authority} lines for a user's
     * ~/.ssh/authorized_keys.
     */
    @Get(uri = "/ssh", produces = "text/plain")
    public HttpResponse<String> ssh(@Nullable @QueryValue String format) throws KeywayException {
        Optional<String> lines;
        if (format == null || format.equals("trusted-user-ca-keys")) {
            lines = authorities.sshTrustedUserCaKeys();
        } else if (format.equals("authorized_keys")) {
            lines = authorities.sshAuthorizedKeys();
        } else {
            throw new KeywayException(dev.keyway.broker.problem.ErrorCode.INVALID_REQUEST,
                    "format must be trusted-user-ca-keys (default) or authorized_keys");
        }
        String body = lines.orElseThrow(() -> KeywayException.unavailable("no SSH CA in keys.dir; run keys init/rotate", RETRY, null));
        return HttpResponse.ok(body).contentType("text/plain; charset=utf-8").header(HttpHeaders.CACHE_CONTROL, "public, max-age=300");
    }
}
