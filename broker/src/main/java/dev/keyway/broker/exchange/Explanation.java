package dev.keyway.broker.exchange;

import java.util.List;
import java.util.Map;

/**
 * What {@code /v1/explain} answers: the decision, the caller's normalized identity, and for each
 * condition the caller's value and whether it held. {@code expected} is filled only with
 * {@code keyway.explain: full}.
 */
public record Explanation(String decision, String binding, Map<String, String> identity, List<Item> conditions) {

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Item(String claim, String actual, String result, String expected, String rule) {
    }
}
