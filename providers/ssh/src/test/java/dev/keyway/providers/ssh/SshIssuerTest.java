package dev.keyway.providers.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.contract.Nodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshIssuerTest {

    private static final ClaimCatalog GITHUB = new ClaimCatalog() {
        private final Set<String> names = Set.of("sub", "repository", "repository_owner", "run_id", "actor", "environment");

        @Override
        public boolean knows(String claimName) {
            return names.contains(claimName);
        }

        @Override
        public String describe() {
            return "a github issuer";
        }
    };

    @TempDir
    static Path dir;

    private final SshIssuer issuer = new SshIssuer();
    private KeyPair ca;
    private String ed25519;

    @BeforeAll
    void keys() throws Exception {
        ca = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        ed25519 = SshTestKit.jobKey(dir, "id_ed25519", "ed25519", 0);
    }

    private static Map<String, Object> claims(Object... more) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", "repo:acme/api:environment:production");
        claims.put("repository", "acme/api");
        claims.put("repository_owner", "acme");
        claims.put("run_id", "10283741123");
        claims.put("actor", "octocat");
        for (int i = 0; i + 1 < more.length; i += 2) {
            claims.put((String) more[i], more[i + 1]);
        }
        return claims;
    }

    private GrantConfig compile(Node.Mapping grant) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = issuer.compile(new GrantDefinition("ops", new Fields(grant, "grant", problems), GITHUB,
                Duration.ofHours(1)), problems);
        assertEquals(List.of(), problems.all());
        return config.orElseThrow();
    }

    private IssuedCredential issue(GrantConfig grant, Map<String, Object> claims, Optional<String> publicKey, Optional<String> csr,
                                   Instant now, Duration ttl, Optional<KeyPair> authority) throws IssueException {
        return issuer.issue(new IssueRequest("ops", grant, new Identity("github", claims, claims), ttl, now, "req-1", csr, publicKey,
                "json", SshTestKit.broker(authority)));
    }

    private IssuedCredential issue(GrantConfig grant, Map<String, Object> claims, String publicKey) throws IssueException {
        return issue(grant, claims, Optional.of(publicKey), Optional.empty(), Instant.now(), Duration.ofMinutes(15), Optional.of(ca));
    }

    private String inspect(IssuedCredential credential) throws Exception {
        Path cert = Files.writeString(Files.createTempFile(dir, "cert", "-cert.pub"), credential.credentials().get("certificate") + "\n");
        return SshTestKit.ok(dir, "ssh-keygen", "-L", "-f", cert.toString());
    }

    // --- compile ------------------------------------------------------------------------------------

    static Stream<Arguments> badGrants() {
        return Stream.of(
                Arguments.of("no principals", Nodes.map("key-id", "x"), "missing required field 'principals'"),
                Arguments.of("a comma in a principal", Nodes.map("principals", "root,admin"), "no comma"),
                Arguments.of("a space in a principal", Nodes.map("principals", "deploy {{actor}}"), "no comma, whitespace"),
                Arguments.of("a wildcard principal", Nodes.map("principals", "*"), "wildcard"),
                Arguments.of("a principal starting with a dash", Nodes.map("principals", "-oProxyCommand"), "not first"),
                Arguments.of("an unknown claim in a principal", Nodes.map("principals", "{{user}}"), "does not have"),
                Arguments.of("a key-id with a newline", Nodes.map("principals", "deploy", "key-id", "a\nb"), "control characters"),
                Arguments.of("an unknown extension", Nodes.map("principals", "deploy", "extensions", "permit-everything"),
                        "is not one of"),
                Arguments.of("an extension twice", Nodes.map("principals", "deploy", "extensions", List.of("permit-pty", "permit-pty")),
                        "listed twice"),
                Arguments.of("an unknown critical option", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("verify-required", "")), "unknown field 'verify-required'"),
                Arguments.of("a templated force-command", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("force-command", "deploy {{repository}}")), "not a template"),
                Arguments.of("an empty force-command", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("force-command", " ")), "non-empty"),
                Arguments.of("a host name as source-address", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "ci.example.com")), "host names are not allowed"),
                Arguments.of("host bits beyond the prefix", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "10.0.0.1/8")), "host bits"),
                Arguments.of("an IPv4 prefix over 32", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "10.0.0.0/33")), "prefix length"),
                Arguments.of("an IPv6 prefix over 128", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "2001:db8::/129")), "prefix length"),
                Arguments.of("an octet over 255", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "300.1.1.1")), "not an IPv4 address"),
                Arguments.of("an empty entry in the list", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "10.0.0.0/8,")), "not a numeric"),
                Arguments.of("a malformed IPv6 address", Nodes.map("principals", "deploy", "critical-options",
                        Nodes.map("source-address", "2001:db8:::1:2:3:4:5:6")), "not an IPv6 address"));
    }

    @ParameterizedTest(name = "{0} is a load error")
    @MethodSource("badGrants")
    void badGrantsAreLoadErrorsWithTheirLine(String sentence, Node.Mapping grant, String message) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = issuer.compile(new GrantDefinition("ops", new Fields(grant, "grant", problems), GITHUB,
                Duration.ofHours(1)), problems);
        assertTrue(config.isEmpty());
        List<Problem> errors = problems.errors();
        assertTrue(errors.stream().anyMatch(p -> p.message().contains(message) && p.location().line() > 0), errors.toString());
    }

    @Test
    void sourceAddressesAcceptWhatSshdAccepts() {
        GrantConfig grant = compile(Nodes.map("principals", "deploy", "critical-options",
                Nodes.map("source-address", List.of("10.0.0.0/8,192.168.1.7", "2001:db8::/32", "::1", "0.0.0.0/0"))));
        assertEquals("10.0.0.0/8,192.168.1.7,2001:db8::/32,::1,0.0.0.0/0", grant.describe().get("critical-options.source-address"));
    }

    // --- issue ---------------------------------------------------------------------------------------

    @Test
    void sshKeygenReadsTheCertificateAsTheGrantSaysIt() throws Exception {
        GrantConfig grant = compile(Nodes.map("principals", List.of("deploy", "ci-{{repository_owner}}"),
                "key-id", "{{repository}}@{{run_id}}", "extensions", List.of("permit-pty", "permit-agent-forwarding"),
                "critical-options", Nodes.map("force-command", "/usr/local/bin/deploy --check", "source-address", "10.0.0.0/8")));
        Instant now = Instant.now();
        IssuedCredential credential = issue(grant, claims(), Optional.of(ed25519), Optional.empty(), now, Duration.ofMinutes(15),
                Optional.of(ca));
        String listing = inspect(credential);

        assertTrue(listing.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), listing);
        assertTrue(listing.contains("Key ID: \"acme/api@10283741123\""), listing);
        assertTrue(listing.contains("Serial: " + credential.credentials().get("serial") + "\n"), listing);
        assertTrue(listing.contains("Principals: \n                deploy\n                ci-acme\n"), listing);
        assertTrue(listing.contains("Critical Options: \n                force-command /usr/local/bin/deploy --check\n"
                + "                source-address 10.0.0.0/8\n"), listing);
        assertTrue(listing.contains("Extensions: \n                permit-agent-forwarding\n                permit-pty\n"), listing);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        String from = LocalDateTime.ofInstant(now.minus(SshIssuer.BACKDATE), ZoneId.systemDefault()).format(format);
        String to = LocalDateTime.ofInstant(now.plus(Duration.ofMinutes(15)), ZoneId.systemDefault()).format(format);
        assertTrue(listing.contains("Valid: from " + from + " to " + to), listing + " expected " + from + " to " + to);
        String caFingerprint = SshTestKit.ok(dir, "sh", "-c", "echo '" + PublicKeyEntry.toString(ca.getPublic())
                + "' | ssh-keygen -l -f -").split(" ")[1];
        assertTrue(listing.contains("Signing CA: ED25519 " + caFingerprint), listing);
        String jobFingerprint = SshTestKit.ok(dir, "ssh-keygen", "-l", "-f", "id_ed25519.pub").split(" ")[1];
        assertTrue(listing.contains("Public key: ED25519-CERT " + jobFingerprint), "the certificate is for the job's own key");

        assertEquals(List.of("deploy", "ci-acme"), credential.credentials().get("principals"));
        assertEquals("acme/api@10283741123", credential.credentials().get("keyId"));
        assertEquals(credential.credentials().get("serial"), credential.id());
        assertEquals(now.plus(Duration.ofMinutes(15)).getEpochSecond(), credential.expiresAt().getEpochSecond());
    }

    @Test
    void byDefaultOnlyPermitPtyAndAKeyIdNamingBindingCallerAndRun() throws Exception {
        IssuedCredential credential = issue(compile(Nodes.map("principals", "deploy")), claims(), ed25519);
        String listing = inspect(credential);
        assertTrue(listing.contains("Extensions: \n                permit-pty\n"), listing);
        assertTrue(listing.contains("Critical Options: (none)"), listing);
        assertEquals("keyway:ops:repo:acme/api:environment:production:run=10283741123", credential.credentials().get("keyId"));
    }

    @Test
    void anEmptyExtensionListMeansNone() throws Exception {
        GrantConfig grant = issuer.compile(new GrantDefinition("ops", new Fields(Nodes.map("principals", "deploy", "extensions",
                new Node.Sequence(List.of(), new dev.keyway.spi.config.Location(Nodes.FILE, 12))), "grant", new Problems()), GITHUB,
                Duration.ofHours(1)), new Problems()).orElseThrow();
        assertTrue(inspect(issue(grant, claims(), ed25519)).contains("Extensions: (none)"));
    }

    static Stream<Arguments> acceptedKeys() {
        return Stream.of(Arguments.of("ed25519", 0, "ED25519-CERT"), Arguments.of("ecdsa", 256, "ECDSA-CERT"),
                Arguments.of("ecdsa", 384, "ECDSA-CERT"), Arguments.of("rsa", 2048, "RSA-CERT"));
    }

    @ParameterizedTest(name = "a {0} {1} key gets a certificate")
    @MethodSource("acceptedKeys")
    void everyAcceptedKeyTypeGetsACertificate(String type, int bits, String certType) throws Exception {
        String key = SshTestKit.jobKey(dir, "key-" + type + bits, type, bits);
        String listing = inspect(issue(compile(Nodes.map("principals", "deploy")), claims(), key));
        assertTrue(listing.contains("Public key: " + certType), listing);
    }

    @Test
    void serialsAreRandom64BitNumbers() throws Exception {
        GrantConfig grant = compile(Nodes.map("principals", "deploy"));
        Set<String> serials = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            serials.add((String) issue(grant, claims(), ed25519).credentials().get("serial"));
        }
        assertEquals(20, serials.size());
        assertFalse(serials.contains("0"));
    }

    static Stream<Arguments> unsafePrincipals() {
        return Stream.of(
                Arguments.of("a comma adds a second principal", "root,admin"),
                Arguments.of("a space", "root admin"),
                Arguments.of("a newline", "root\nadmin"),
                Arguments.of("a wildcard", "*"),
                Arguments.of("a leading dash", "-root"),
                Arguments.of("a quote", "root\""),
                Arguments.of("an empty value", ""));
    }

    @ParameterizedTest(name = "a claim with {0} is invalid_request")
    @MethodSource("unsafePrincipals")
    void claimsCannotInjectPrincipals(String sentence, String actor) {
        GrantConfig grant = compile(Nodes.map("principals", List.of("deploy", "{{actor}}")));
        IssueException e = assertThrows(IssueException.class, () -> issue(grant, claims("actor", actor), ed25519));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("no safe principal"), e.getMessage());
        assertFalse(e.getMessage().contains(actor.isEmpty() ? "\u0000" : actor), "names the claim, never its value");
    }

    @Test
    void aKeyIdClaimCannotForgeLogLines() {
        GrantConfig grant = compile(Nodes.map("principals", "deploy", "key-id", "{{actor}}"));
        IssueException e = assertThrows(IssueException.class, () -> issue(grant, claims("actor", "x\nAccepted publickey for root"), ed25519));
        assertEquals("invalid_request", e.code());
    }

    @Test
    void aMissingClaimIsInvalidRequest() {
        GrantConfig grant = compile(Nodes.map("principals", "env-{{environment}}"));
        IssueException e = assertThrows(IssueException.class, () -> issue(grant, claims(), ed25519));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("[environment]"), e.getMessage());
    }

    static Stream<Arguments> badKeys() throws Exception {
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(1024);
        String dsaLine = PublicKeyEntry.toString(dsa.generateKeyPair().getPublic());
        String ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINaTYl1FEJyvX8NleMBlu9AWeTskKVUXW2b6DVJCX6Fj job";
        return Stream.of(
                Arguments.of("a DSA key", dsaLine, "not accepted"),
                Arguments.of("an ed25519 blob claiming to be ssh-rsa", ed.replace("ssh-ed25519 ", "ssh-rsa "), "ssh-rsa key"),
                Arguments.of("a security-key type", "sk-ssh-ed25519@openssh.com AAAA job", "not accepted"),
                Arguments.of("a certificate instead of a key", "ssh-ed25519-cert-v01@openssh.com AAAA job", "not accepted"),
                Arguments.of("base64 garbage", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN job", "does not decode"),
                Arguments.of("authorized_keys options in front", "command=\"/bin/sh\" " + ed, "not accepted"),
                Arguments.of("two keys", ed + "\n" + ed, "one OpenSSH public key line"),
                Arguments.of("a PEM public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----", "one OpenSSH"),
                Arguments.of("nothing", "   ", "one OpenSSH public key line"));
    }

    @ParameterizedTest(name = "{0} is invalid_request")
    @MethodSource("badKeys")
    void badKeysAreRefused(String sentence, String key, String message) {
        IssueException e = assertThrows(IssueException.class, () -> issue(compile(Nodes.map("principals", "deploy")), claims(), key));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void weakRsaAndUnlistedCurvesAreRefused() throws Exception {
        for (String key : List.of(SshTestKit.jobKey(dir, "weak", "rsa", 1024), SshTestKit.jobKey(dir, "p521", "ecdsa", 521))) {
            IssueException e = assertThrows(IssueException.class, () -> issue(compile(Nodes.map("principals", "deploy")), claims(), key));
            assertEquals("invalid_request", e.code());
            assertTrue(e.getMessage().contains("2048 to 16384 bits, not 1024") || e.getMessage().contains("'ecdsa-sha2-nistp521'"),
                    e.getMessage());
        }
    }

    @Test
    void aCsrIsNotAnSshKey() {
        IssueException e = assertThrows(IssueException.class, () -> issue(compile(Nodes.map("principals", "deploy")), claims(),
                Optional.empty(), Optional.of("-----BEGIN CERTIFICATE REQUEST-----"), Instant.now(), Duration.ofMinutes(5), Optional.of(ca)));
        assertEquals("invalid_request", e.code());
        IssueException missing = assertThrows(IssueException.class, () -> issue(compile(Nodes.map("principals", "deploy")), claims(),
                Optional.empty(), Optional.empty(), Instant.now(), Duration.ofMinutes(5), Optional.of(ca)));
        assertEquals("invalid_request", missing.code());
        assertTrue(missing.getMessage().contains("send publicKey"), missing.getMessage());
    }

    @Test
    void withoutAnSshCaTheGrantIsUnavailable() {
        IssueException e = assertThrows(IssueException.class, () -> issue(compile(Nodes.map("principals", "deploy")), claims(),
                Optional.of(ed25519), Optional.empty(), Instant.now(), Duration.ofMinutes(5), Optional.empty()));
        assertEquals("unavailable", e.code());
        assertEquals("no SSH CA in keys.dir; run keys init/rotate", e.getMessage());
    }

    @ParameterizedTest(name = "a {0} CA signs certificates ssh-keygen accepts")
    @MethodSource("caTypes")
    void everyCaTypeSigns(String type, int bits, String signature) throws Exception {
        KeyPair authority = KeyUtils.generateKeyPair(type, bits);
        IssuedCredential credential = issue(compile(Nodes.map("principals", "deploy")), claims(), Optional.of(ed25519), Optional.empty(),
                Instant.now(), Duration.ofMinutes(5), Optional.of(authority));
        String listing = inspect(credential);
        assertTrue(listing.contains("(using " + signature + ")"), listing);
    }

    static Stream<Arguments> caTypes() {
        return Stream.of(Arguments.of("ssh-ed25519", 256, "ssh-ed25519"), Arguments.of("ecdsa-sha2-nistp256", 256, "ecdsa-sha2-nistp256"),
                Arguments.of("ssh-rsa", 2048, "rsa-sha2-512"));
    }

    /** sshd would register BC JVM-wide, and the JDK's RSA key checks would silently fall back to it (see SshSecurity). */
    @Test
    void bouncyCastleStaysOutOfTheJvmWideProviderList() throws Exception {
        inspect(issue(compile(Nodes.map("principals", "deploy")), claims(), ed25519));
        assertEquals(null, java.security.Security.getProvider("BC"));
    }
}
