package dev.keyway.broker.policy;

import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Policy documents to an immutable {@link PolicySet}. The server, {@code policy check} and
 * {@code policy test} all call this one compiler. Every problem is collected, each with file and
 * line, before the compile fails as a whole: a broken file never half-applies.
 *
 * <p>A large policy is mostly bindings, and holding every binding's YAML tree until all files
 * are read made the garbage collector copy hundreds of megabytes of trees again and again. So
 * files that cannot declare an issuer (see {@link YamlDocuments#mayHold}) are parsed only once
 * the issuers are compiled, and each of their bindings is compiled as soon as its file is
 * parsed; its tree is garbage before the next file is read. The outcome, problems and their
 * order included, is that of compiling document after document.
 */
public final class PolicyCompiler {

    static final String API_VERSION = "keyway.dev/v1";
    private static final int MAX_NAME_LENGTH = 253;
    private static final Node.Mapping NO_SPEC = new Node.Mapping.Builder(0).build(Location.unknown("-"));

    private final GrantTypes grantTypes;

    public PolicyCompiler(GrantTypes grantTypes) {
        this.grantTypes = grantTypes;
    }

    public Compilation compile(List<Path> paths) {
        Problems problems = new Problems();
        List<SourceFile> files = PolicySources.files(paths, problems).stream().map(SourceFile::onDisk).toList();
        return compile(files, paths.toString(), problems);
    }

    /** {@code where}: the sources as a message names them when they hold no document. */
    Compilation compile(List<SourceFile> files, String where, Problems problems) {
        // Files that may declare issuers first, whole; then the others, compiling their bindings as they go.
        files.parallelStream().forEach(file -> {
            if (file.read() && YamlDocuments.mayHold(file.text(), "Issuer")) {
                parse(file, Optional.empty());
            }
        });
        List<ParsedDocument> early = files.stream().flatMap(f -> f.documents().stream()).toList();
        Problems issuerProblems = new Problems();
        // Every Issuer is in these files; duplicate names are reported once, below, over all documents.
        List<Document> issuerDocuments = byKind(early, new Problems()).getOrDefault("Issuer", List.of()).stream()
                .map(d -> d.document().orElseThrow()).toList();
        IssuerCompiler.Issuers issuers = IssuerCompiler.compile(issuerDocuments, issuerProblems);
        BindingCompiler bindingCompiler = new BindingCompiler(grantTypes, issuers.compiled(), issuers.broken());
        files.parallelStream().filter(f -> f.text() != null && !f.parsed())
                .forEach(file -> parse(file, Optional.of(bindingCompiler)));

        List<ParsedDocument> documents = new ArrayList<>();
        for (SourceFile file : files) {
            problems.addAll(file.problems());
            documents.addAll(file.documents());
        }
        if (documents.isEmpty() && !problems.hasErrors()) {
            problems.error(Location.unknown(where), "no policy documents found (*.yaml or *.yml)");
        }
        documents.forEach(d -> problems.addAll(d.problems()));
        Map<String, List<ParsedDocument>> byKind = byKind(documents, problems);
        problems.addAll(issuerProblems);
        Map<String, Binding> bindings = new LinkedHashMap<>();
        Set<String> failedBindings = new HashSet<>();
        List<ParsedDocument> bindingDocuments = byKind.getOrDefault("Binding", List.of());
        for (CompiledBinding compiled : compileBindings(bindingDocuments, bindingCompiler)) {
            problems.addAll(compiled.problems());
            compiled.binding().ifPresentOrElse(b -> bindings.put(b.name(), b), () -> failedBindings.add(compiled.name()));
        }
        List<PolicyTestCase> tests = new ArrayList<>();
        for (ParsedDocument parsed : byKind.getOrDefault("PolicyTest", List.of())) {
            tests.addAll(PolicyTestDocuments.cases(parsed.document().orElseThrow(), issuers.compiled(), bindings,
                    failedBindings, problems));
        }
        if (problems.hasErrors()) {
            return new Compilation(Optional.empty(), problems.all());
        }
        PolicySet policy = new PolicySet(issuers.compiled(), bindings, tests);
        PolicyLinter.lint(policy, problems);
        return new Compilation(Optional.of(policy), problems.all());
    }

    /**
     * A document after its envelope was read: the envelope (empty when it was broken), what
     * reading it found, and for a binding compiled as soon as its file was parsed, the outcome;
     * such a binding keeps its envelope without the spec.
     */
    record ParsedDocument(Optional<Document> document, Problems problems, Optional<CompiledBinding> compiled) {
    }

    /** A binding's compile: the binding, or empty when it failed, and the problems it reported. */
    record CompiledBinding(String name, Optional<Binding> binding, Problems problems) {

        static CompiledBinding of(Document doc, BindingCompiler compiler) {
            Problems problems = new Problems();
            return new CompiledBinding(doc.name(), compiler.compile(doc, problems), problems);
        }
    }

    /**
     * Parses a file into documents and reads their envelopes; with {@code bindingCompiler}, also
     * compiles its bindings. Only a file that cannot declare an issuer is parsed with one.
     */
    private static void parse(SourceFile file, Optional<BindingCompiler> bindingCompiler) {
        List<Node> roots = YamlDocuments.read(file.name(), file.text(), file.problems());
        List<ParsedDocument> documents = new ArrayList<>(roots.size());
        for (Node root : roots) {
            Problems problems = new Problems();
            Optional<Document> document = header(root, problems);
            Optional<Document> binding = document.filter(d -> d.kind().equals("Binding"));
            if (bindingCompiler.isPresent() && binding.isPresent()) {
                documents.add(new ParsedDocument(binding.map(Document::withoutSpec), problems,
                        Optional.of(CompiledBinding.of(binding.get(), bindingCompiler.get()))));
                continue;
            }
            if (bindingCompiler.isPresent() && document.filter(d -> d.kind().equals("Issuer")).isPresent()) {
                // YamlDocuments.mayHold said this file could not spell Issuer: issuers were compiled without it.
                throw new IllegalStateException("an Issuer document in " + file.name() + " was found after the issuers were compiled");
            }
            documents.add(new ParsedDocument(document, problems, Optional.empty()));
        }
        file.parsedAs(documents);
    }

    /** The documents by kind, each name once: a later document of the same kind and name is reported, not kept. */
    private static Map<String, List<ParsedDocument>> byKind(List<ParsedDocument> documents, Problems problems) {
        Map<String, List<ParsedDocument>> byKind = new HashMap<>();
        Map<String, Location> firstByKindAndName = new HashMap<>();
        for (ParsedDocument parsed : documents) {
            parsed.document().ifPresent(d -> {
                Location first = firstByKindAndName.putIfAbsent(d.kind() + "/" + d.name(), d.location());
                if (first != null) {
                    problems.error(d.location(), "duplicate " + d.kind() + " name '" + d.name() + "' (first at " + first + ")");
                } else {
                    byKind.computeIfAbsent(d.kind(), k -> new ArrayList<>()).add(parsed);
                }
            });
        }
        return byKind;
    }

    /** Every binding's outcome in document order: compiled with its file, or now, in parallel. */
    private static List<CompiledBinding> compileBindings(List<ParsedDocument> documents, BindingCompiler compiler) {
        List<Document> pending = documents.stream().filter(d -> d.compiled().isEmpty())
                .map(d -> d.document().orElseThrow()).toList();
        Iterator<CompiledBinding> compiledNow = pending.parallelStream().map(d -> CompiledBinding.of(d, compiler))
                .toList().iterator();
        List<CompiledBinding> outcomes = new ArrayList<>(documents.size());
        for (ParsedDocument d : documents) {
            outcomes.add(d.compiled().orElseGet(compiledNow::next));
        }
        return outcomes;
    }

    /** A document's envelope: apiVersion, kind, metadata.name, and its spec (empty when it was not a mapping). */
    record Document(String kind, String name, Node.Mapping spec, Location location) {

        /**
         * The spec's fields, reporting into {@code problems}: documents compile in parallel, each
         * into its own Problems.
         */
        Fields fields(Problems problems) {
            return new Fields(spec, kind + " '" + name + "'", problems);
        }

        /** The envelope alone, once the spec was compiled: what the rest of the compile needs. */
        Document withoutSpec() {
            return new Document(kind, name, NO_SPEC, location);
        }
    }

    static Optional<Document> header(Node document, Problems problems) {
        Fields root = Fields.of(document, "document", problems);
        Optional<String> apiVersion = root.requiredString("apiVersion");
        Optional<String> kind = root.requiredString("kind");
        Optional<Fields> metadata = root.mapping("metadata");
        Optional<Node> spec = root.node("spec");
        root.finish();
        if (apiVersion.isPresent() && !apiVersion.get().equals(API_VERSION)) {
            problems.error(root.location("apiVersion"), "apiVersion must be " + API_VERSION + ", not '" + apiVersion.get() + "'");
            return Optional.empty();
        }
        if (kind.isEmpty() || apiVersion.isEmpty()) {
            return Optional.empty();
        }
        if (!Set.of("Issuer", "Binding", "PolicyTest").contains(kind.get())) {
            problems.error(root.location("kind"), "kind '" + kind.get() + "' is not one of Issuer, Binding, PolicyTest");
            return Optional.empty();
        }
        String what = kind.get();
        if (metadata.isEmpty()) {
            problems.error(root.location(), what + ": missing required field 'metadata' (with a name)");
            return Optional.empty();
        }
        Optional<String> name = metadata.get().requiredString("name");
        metadata.get().mapping("labels").ifPresent(Fields::keys);
        metadata.get().mapping("annotations").ifPresent(Fields::keys);
        metadata.get().finish();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (!isName(name.get())) {
            problems.error(metadata.get().location("name"), what + " name '" + name.get()
                    + "' must be lowercase letters, digits, '-' or '.', starting and ending with a letter or digit");
            return Optional.empty();
        }
        if (spec.isEmpty()) {
            problems.error(root.location(), what + " '" + name.get() + "': missing required field 'spec'");
            return Optional.empty();
        }
        Node.Mapping specMapping = Fields.asMapping(spec.get(), what + " '" + name.get() + "'", problems);
        return Optional.of(new Document(what, name.get(), specMapping, root.location()));
    }


    /** A Kubernetes-style name, {@code [a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?}, checked without a regex: every document has one. */
    static boolean isName(String name) {
        int last = name.length() - 1;
        if (last < 0 || last >= MAX_NAME_LENGTH || !isLowerAlnum(name.charAt(0)) || !isLowerAlnum(name.charAt(last))) {
            return false;
        }
        for (int i = 1; i < last; i++) {
            char c = name.charAt(i);
            if (!isLowerAlnum(c) && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }
}
