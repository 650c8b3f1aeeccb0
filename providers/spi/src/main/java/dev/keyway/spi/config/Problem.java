package dev.keyway.spi.config;

/** One finding about a policy or config document: an error refuses the whole load, a warning does not. */
public record Problem(Location location, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The {@code file:line: message} form that editors and CI annotations understand. */
    @Override
    public String toString() {
        return location + (isError() ? ": " : ": warning: ") + message;
    }
}
