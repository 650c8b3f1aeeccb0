package dev.keyway.broker.exchange;

import dev.keyway.spi.IssuedCredential;

/** A successful exchange: the binding, its grant type and the credential, ready to render. */
public record Exchanged(String binding, String type, IssuedCredential credential, String requestId, Format format) {
}
