package dev.keyway.spi.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Collects every problem before anything fails, so one run reports them all. Not thread-safe. */
public final class Problems {

    private final List<Problem> problems = new ArrayList<>();
    /** Kept as problems arrive: compilers ask before and after every part they check, per binding. */
    private int errorCount;

    public void error(Location location, String message) {
        problems.add(new Problem(location, Problem.Severity.ERROR, message));
        errorCount++;
    }

    public void warning(Location location, String message) {
        problems.add(new Problem(location, Problem.Severity.WARNING, message));
    }

    public void addAll(List<Problem> more) {
        for (Problem problem : more) {
            problems.add(problem);
            errorCount += problem.isError() ? 1 : 0;
        }
    }

    /** Appends everything {@code other} collected, in the order it was reported. */
    public void addAll(Problems other) {
        problems.addAll(other.problems);
        errorCount += other.errorCount;
    }

    public boolean hasErrors() {
        return errorCount > 0;
    }

    public int errorCount() {
        return errorCount;
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
