package dev.keyway.spi.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Collects every problem before anything fails, so one run reports them all. Not thread-safe. */
public final class Problems {

    private final List<Problem> problems = new ArrayList<>();

    public void error(Location location, String message) {
        problems.add(new Problem(location, Problem.Severity.ERROR, message));
    }

    public void warning(Location location, String message) {
        problems.add(new Problem(location, Problem.Severity.WARNING, message));
    }

    public void addAll(List<Problem> more) {
        problems.addAll(more);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public int errorCount() {
        return (int) problems.stream().filter(Problem::isError).count();
    }

    /** In file and line order, so output is stable whatever order the checks ran in. */
    public List<Problem> all() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing((Problem p) -> p.location().file())
                .thenComparingInt(p -> p.location().line()));
        return Collections.unmodifiableList(sorted);
    }

    public List<Problem> errors() {
        return all().stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return all().stream().filter(p -> !p.isError()).toList();
    }
}
