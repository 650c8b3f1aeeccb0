package dev.keyway.broker.policy;

import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a {@code PolicyTest} document's cases; each must name a binding and issuer that exist. */
final class PolicyTestDocuments {

    private PolicyTestDocuments() {
    }

    static List<PolicyTestCase> cases(PolicyCompiler.Document doc, Map<String, IssuerConfig> issuers,
                                      Map<String, Binding> bindings, Set<String> brokenBindings, Problems problems) {
        String suite = doc.name();
        Fields spec = doc.fields(problems);
        Optional<Node> casesNode = spec.requiredNode("cases");
        spec.finish();
        if (casesNode.isEmpty()) {
            return List.of();
        }
        if (!(casesNode.get() instanceof Node.Sequence list) || list.items().isEmpty()) {
            problems.error(casesNode.get().location(), "PolicyTest '" + suite + "': cases must be a non-empty list");
            return List.of();
        }
        List<PolicyTestCase> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node item : list.items()) {
            String what = "PolicyTest '" + suite + "' case";
            Fields fields = Fields.of(item, what, problems);
            Optional<String> name = fields.requiredString("name");
            Optional<String> binding = fields.requiredString("binding");
            Optional<String> issuer = fields.string("issuer");
            Optional<Node> claims = fields.requiredNode("claims");
            Optional<String> expect = fields.requiredString("expect");
            fields.finish();
            name.filter(n -> !names.add(n)).ifPresent(n ->
                    problems.error(fields.location("name"), what + " '" + n + "' appears twice in this suite"));
            if (binding.isPresent() && !bindings.containsKey(binding.get()) && !brokenBindings.contains(binding.get())) {
                problems.error(fields.location("binding"), what + " '" + name.orElse("?") + "': binding '" + binding.get()
                        + "' is not defined");
            }
            if (issuer.isPresent() && !issuers.containsKey(issuer.get())) {
                problems.error(fields.location("issuer"), what + " '" + name.orElse("?") + "': issuer '" + issuer.get()
                        + "' is not defined");
            }
            if (claims.isPresent() && !(claims.get() instanceof Node.Mapping)) {
                problems.error(claims.get().location(), what + " '" + name.orElse("?") + "': claims must be a mapping");
            }
            if (expect.isPresent() && !expect.get().equals("allow") && !expect.get().equals("deny")) {
                problems.error(fields.location("expect"), what + " '" + name.orElse("?") + "': expect must be allow or deny");
            }
            Binding target = binding.map(bindings::get).orElse(null);
            if (name.isPresent() && target != null && claims.isPresent() && claims.get() instanceof Node.Mapping
                    && expect.isPresent()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> raw = (Map<String, Object>) Node.toJava(claims.get());
                cases.add(new PolicyTestCase(suite, name.get(), binding.get(),
                        issuer.orElse(target.issuer().name()), raw, expect.get().equals("allow"), fields.location()));
            }
        }
        return cases;
    }
}
