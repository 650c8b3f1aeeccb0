package dev.keyway.broker.keys;

import dev.keyway.providers.ssh.SshSecurity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The broker's SSH user CA in {@code keys.dir}, named as ssh-keygen names keys:
 * <ul>
 *   <li>{@value #KEY_FILE} (owner-only): the CA's private key, OpenSSH format, unencrypted;</li>
 *   <li>{@value #PUBLIC_FILE}: its public key line;</li>
 *   <li>{@value #PREVIOUS_FILE}: the previous CA's public key, published until the next rotation.</li>
 * </ul>
 * {@code keys init}/{@code keys rotate} generate Ed25519; an operator may bring any key
 * {@code ssh-keygen -t ed25519|ecdsa -f ssh-ca} makes (RSA of 3072 bits or more too).
 */
public final class SshCa {

    public static final String KEY_FILE = "ssh-ca";
    public static final String PUBLIC_FILE = "ssh-ca.pub";
    public static final String PREVIOUS_FILE = "ssh-ca.previous.pub";
    static final String COMMENT = "keyway-ssh-ca";
    private static final int MIN_RSA_BITS = 3072;

    static {
        SshSecurity.configure(); // before any sshd code: no JVM-wide Bouncy Castle
    }

    /** The loaded CA: the current key pair, and every public key to publish (current first). */
    public record Loaded(KeyPair current, List<PublicKey> published) {
        public Loaded {
            published = List.copyOf(published);
        }

        public String fingerprint() {
            return KeyUtils.getFingerPrint(current.getPublic());
        }
    }

    private SshCa() {
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(KEY_FILE));
    }

    public static Optional<Loaded> load(Path dir) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        if (!Files.exists(keyFile)) {
            return Optional.empty();
        }
        KeyPair current = readKeyPair(keyFile);
        List<PublicKey> published = new ArrayList<>(List.of(current.getPublic()));
        Path previousFile = dir.resolve(PREVIOUS_FILE);
        if (Files.isRegularFile(previousFile)) {
            for (String line : Files.readAllLines(previousFile)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    PublicKey previous = readPublic(previousFile, line);
                    if (!KeyUtils.compareKeys(previous, current.getPublic())) {
                        published.add(previous);
                    }
                }
            }
        }
        return Optional.of(new Loaded(current, published));
    }

    public static Loaded init(Path dir) throws IOException {
        if (exists(dir)) {
            throw new IOException(dir.resolve(KEY_FILE) + " already exists; use keys rotate to add a new SSH CA");
        }
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        generate(dir);
        return load(dir).orElseThrow();
    }

    /** A new current CA; the one it replaces stays published until the next rotation, older ones are dropped. */
    public static Loaded rotate(Path dir) throws IOException {
        Optional<Loaded> current = load(dir);
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        if (current.isPresent()) {
            KeyFiles.writePublic(dir.resolve(PREVIOUS_FILE), line(current.get().current().getPublic(), COMMENT + "-previous") + "\n");
        }
        generate(dir);
        return load(dir).orElseThrow();
    }

    /** Loads the CA, creating it first when absent: demo mode only. */
    public static Loaded loadOrInit(Path dir) throws IOException {
        Optional<Loaded> loaded = load(dir);
        return loaded.isPresent() ? loaded.get() : init(dir);
    }

    private static void generate(Path dir) throws IOException {
        try {
            KeyPair keys = KeyUtils.generateKeyPair(org.apache.sshd.common.keyprovider.KeyPairProvider.SSH_ED25519, 256);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keys, COMMENT, null, out);
            KeyFiles.writePrivate(dir.resolve(KEY_FILE), out.toString(StandardCharsets.US_ASCII));
            KeyFiles.writePublic(dir.resolve(PUBLIC_FILE), line(keys.getPublic(), COMMENT) + "\n");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate the SSH CA: " + e.getMessage(), e);
        }
    }

    /** One line of a TrustedUserCAKeys or authorized_keys file. */
    public static String line(PublicKey key, String comment) {
        return PublicKeyEntry.toString(key) + " " + comment;
    }

    private static KeyPair readKeyPair(Path file) throws IOException {
        Iterable<KeyPair> pairs;
        try {
            byte[] content = Files.readAllBytes(file);
            pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), new ByteArrayInputStream(content),
                    FilePasswordProvider.EMPTY);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + " is not an unencrypted OpenSSH private key: " + e.getMessage(), e);
        }
        Iterator<KeyPair> iterator = pairs == null ? List.<KeyPair>of().iterator() : pairs.iterator();
        if (!iterator.hasNext()) {
            throw new IOException(file + " holds no private key");
        }
        KeyPair pair = iterator.next();
        if (iterator.hasNext()) {
            throw new IOException(file + " holds more than one key; an SSH CA is one key");
        }
        String type = KeyUtils.getKeyType(pair.getPublic());
        if (pair.getPublic() instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IOException(file + ": an RSA SSH CA needs at least " + MIN_RSA_BITS + " bits");
        }
        if (type == null || type.startsWith("sk-") || type.contains("-cert-")) {
            throw new IOException(file + ": " + type + " keys cannot be an SSH CA here");
        }
        return pair;
    }

    private static PublicKey readPublic(Path file, String line) throws IOException {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(line.strip()).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": '" + line.split(" ")[0] + " ...' is not an OpenSSH public key line", e);
        }
    }
}
