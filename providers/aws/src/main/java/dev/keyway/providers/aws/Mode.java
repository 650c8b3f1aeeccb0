package dev.keyway.providers.aws;

import java.util.Arrays;
import java.util.Optional;

/** How the broker obtains the role session. */
enum Mode {
    /** AssumeRoleWithWebIdentity with a Keyway-minted JWT: AWS trusts Keyway as an OIDC provider; no AWS secret anywhere. */
    WEB_IDENTITY("web-identity"),
    /** AssumeRole, signed with the broker's own ambient identity (IRSA, EKS Pod Identity, instance profile, ...). */
    ASSUME_ROLE("assume-role");

    private final String id;

    Mode(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    String action() {
        return this == WEB_IDENTITY ? "AssumeRoleWithWebIdentity" : "AssumeRole";
    }

    static Optional<Mode> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }
}
