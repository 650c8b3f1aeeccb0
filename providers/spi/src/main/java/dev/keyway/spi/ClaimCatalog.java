package dev.keyway.spi;

/**
 * The claim names an issuer profile defines. Policy may only name claims the profile knows, so a
 * typo ({@code repo} for {@code repository}) is a load error instead of a binding that never
 * matches; anything else is reachable by JSON pointer.
 */
public interface ClaimCatalog {

    boolean knows(String claimName);

    /** For messages: "a github issuer". */
    String describe();

    ClaimCatalog ANY = new ClaimCatalog() {
        @Override
        public boolean knows(String claimName) {
            return true;
        }

        @Override
        public String describe() {
            return "an oidc issuer";
        }
    };
}
