package dev.keyway.bench.load;

import java.nio.file.Path;

/** The options the one-shot harnesses share ({@link Startup}, {@link ColdCompile}): {@code --jar J --runs N --bindings B}. */
record HarnessOptions(Path jar, int runs, int bindings) {

    static HarnessOptions parse(String[] args, int defaultBindings) {
        Path jar = Path.of("broker/target/keyway-broker.jar");
        int runs = 5;
        int bindings = defaultBindings;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--bindings" -> bindings = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new HarnessOptions(jar, runs, bindings);
    }
}
