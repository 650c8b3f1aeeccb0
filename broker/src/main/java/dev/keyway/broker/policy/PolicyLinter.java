package dev.keyway.broker.policy;

import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.config.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Warnings about bindings that can match more than their authors meant (docs/policy.md,
 * "Warnings"). They never fail a load: a reviewer decides.
 */
final class PolicyLinter {

    /** Claims that name a repository or project: a wildcard on them must stay inside one owner. */
    private static final Set<String> OWNER_SCOPED = Set.of("repository", "sub", "project_path");
    /** GitHub names can be deleted and re-registered by someone else; these IDs cannot. */
    private static final Set<String> GITHUB_IDS = Set.of("repository_id", "repository_owner_id");
    private static final Set<String> GITHUB_NAMES = Set.of("repository", "repository_owner", "sub");
    /** Conditions that tie a token to a branch, tag or deployment environment. */
    private static final Set<String> REF_OR_ENVIRONMENT = Set.of("ref", "ref_path", "base_ref", "environment",
            "ref_protected", "environment_protected", "deployment_tier", "namespace");
    private static final Pattern PRODUCTION = Pattern.compile("(?i)(^|[^a-z0-9])(prod|production|prd|live)([^a-z0-9]|$)");
    private static final Pattern REGEX_META = Pattern.compile("[\\\\.\\[\\](){}*+?|^$]");

    private PolicyLinter() {
    }

    /** Bindings are linted in parallel, each into its own problems; warnings sort by file and line anyway. */
    static void lint(PolicySet policy, Problems problems) {
        List<Problems> warnings = policy.bindings().parallelStream().map(binding -> {
            Problems own = new Problems();
            unpinnedOwner(binding, own);
            githubNamesWithoutIds(binding, own);
            productionWithoutRef(binding, own);
            return own;
        }).toList();
        warnings.forEach(problems::addAll);
    }

    private static void unpinnedOwner(Binding binding, Problems problems) {
        for (Condition c : binding.conditions()) {
            // A Kubernetes sub (system:serviceaccount:ns:name) names no repository owner.
            if (!OWNER_SCOPED.contains(c.name())
                    || (c.name().equals("sub") && binding.issuer().profile() == Profile.KUBERNETES)) {
                continue;
            }
            for (Matcher pattern : patterns(c.matcher())) {
                String prefix = pattern instanceof Matcher.Glob g ? Globs.literalPrefix(g.glob())
                        : pattern instanceof Matcher.Regex r ? regexLiteralPrefix(r.regex()) : "";
                if (!prefix.contains("/")) {
                    problems.warning(c.location(), "Binding '" + binding.name() + "': " + c.claim().text() + " "
                            + pattern.describe() + " is not pinned to one owner: it can match other owners' "
                            + (c.name().equals("project_path") ? "projects" : "repositories")
                            + "; start the pattern with the literal owner, e.g. acme/");
                }
            }
        }
    }

    /** The glob, regex and not matchers inside a condition: the parts that can match unforeseen values. */
    private static List<Matcher> patterns(Matcher matcher) {
        List<Matcher> out = new ArrayList<>();
        if (matcher instanceof Matcher.AnyOf any) {
            any.others().forEach(m -> out.addAll(patterns(m)));
        } else if (!(matcher instanceof Matcher.Exact)) {
            out.add(matcher);
        }
        return out;
    }

    /** The literal text a regex starts with (after an optional ^), up to its first metacharacter. */
    static String regexLiteralPrefix(String regex) {
        String body = regex.startsWith("^") ? regex.substring(1) : regex;
        var m = REGEX_META.matcher(body);
        String prefix = m.find() ? body.substring(0, m.start()) : body;
        // A quantifier makes the character before it optional (acme/?, acme/*, acme/{0,2}): not part of the prefix.
        if (!prefix.isEmpty() && prefix.length() < body.length() && "*?{".indexOf(body.charAt(prefix.length())) >= 0) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        // A top-level alternation (a|b) replaces the prefix entirely; one inside a group does not.
        return hasTopLevelAlternation(body) ? "" : prefix;
    }

    private static boolean hasTopLevelAlternation(String regex) {
        int depth = 0;
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return true;
            }
        }
        return false;
    }

    private static void githubNamesWithoutIds(Binding binding, Problems problems) {
        if (binding.issuer().profile() != Profile.GITHUB) {
            return;
        }
        boolean byName = binding.conditions().stream().anyMatch(c -> GITHUB_NAMES.contains(c.name()));
        boolean byId = binding.conditions().stream().anyMatch(c -> GITHUB_IDS.contains(c.name()));
        if (byName && !byId) {
            problems.warning(binding.location(), "Binding '" + binding.name() + "': matches GitHub repository or owner"
                    + " names without repository_id or repository_owner_id; a deleted or renamed repository's name"
                    + " can be registered by someone else, its ID cannot");
        }
    }

    private static void productionWithoutRef(Binding binding, Problems problems) {
        boolean pinsRef = binding.conditions().stream().anyMatch(c -> REF_OR_ENVIRONMENT.contains(c.name())
                || (c.name().equals("sub") && c.matcher().literals().stream()
                        .anyMatch(v -> v.contains(":ref:") || v.contains(":environment:"))));
        if (pinsRef) {
            return;
        }
        List<String> targets = new ArrayList<>();
        targets.add(binding.name());
        targets.addAll(binding.grant().config().describe().values());
        targets.stream().filter(t -> PRODUCTION.matcher(t).find()).findFirst().ifPresent(target ->
                problems.warning(binding.location(), "Binding '" + binding.name() + "': reaches a production-looking"
                        + " target ('" + target + "') without a condition on ref or environment; any branch,"
                        + " including an unreviewed one, can use it"));
    }
}
