package dev.keyway.providers.ssh;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code source-address} critical option: a comma-separated list of addresses or CIDR blocks
 * that sshd accepts the certificate from. Checked the way sshd's addr_pton_cidr does, so a typo is
 * a load error rather than a certificate sshd refuses: numeric addresses only (never a host name,
 * never a DNS lookup), a prefix no longer than the address, and no host bits set ("10.0.0.1/8").
 */
final class SourceAddresses {

    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    /** Starts with a hex digit or ':' and holds a ':': the JDK then parses it as a literal and never resolves it. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    private SourceAddresses() {
    }

    static Optional<String> problem(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes;
        if (IPV4.matcher(address).matches()) {
            bytes = new byte[4];
            String[] octets = address.split("\\.");
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(octets[i]);
                if (octet > 255) {
                    return Optional.of("'" + cidr + "' is not an IPv4 address");
                }
                bytes[i] = (byte) octet;
            }
        } else if (IPV6.matcher(address).matches() && address.contains(":")) {
            try {
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                return Optional.of("'" + cidr + "' is not an IPv6 address");
            }
        } else {
            return Optional.of("'" + cidr + "' is not a numeric IPv4 or IPv6 address or CIDR block (host names are not allowed)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String text = cidr.substring(slash + 1);
            if (!PREFIX.matcher(text).matches() || Integer.parseInt(text) > bits) {
                return Optional.of("'" + cidr + "' has a prefix length that is not 0 to " + bits);
            }
            prefix = Integer.parseInt(text);
        }
        BigInteger value = new BigInteger(1, bytes);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            return Optional.of("'" + cidr + "' has host bits set beyond its /" + prefix + " prefix; sshd refuses it");
        }
        return Optional.empty();
    }
}
