package dev.keyway.broker.store;

/** The store cannot answer (Redis down, memory store full): the exchange fails closed unless configured otherwise. */
public class StoreUnavailableException extends Exception {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
