package dev.keyway.broker.exchange;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** Response formats (CONTRACT §4) and the grant types each can carry. */
public enum Format {
    JSON("json", Set.of()),
    ENV("env", Set.of()),
    AWS_CREDENTIAL_PROCESS("aws-credential-process", Set.of("aws")),
    EXEC_CREDENTIAL("exec-credential", Set.of("jwt")),
    GCP_EXECUTABLE("gcp-executable", Set.of("gcp"));

    private final String id;
    private final Set<String> grantTypes;

    Format(String id, Set<String> grantTypes) {
        this.id = id;
        this.grantTypes = grantTypes;
    }

    public String id() {
        return id;
    }

    /** Empty set: any grant type. */
    public boolean supports(String grantType) {
        return grantTypes.isEmpty() || grantTypes.contains(grantType);
    }

    public static Optional<Format> byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Format::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
