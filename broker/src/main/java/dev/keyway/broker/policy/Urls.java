package dev.keyway.broker.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** The URL rules for anything Keyway fetches keys from: https, or http only to a loopback host. */
public final class Urls {

    private Urls() {
    }

    /** Empty when acceptable, else the reason. */
    public static Optional<String> checkFetchable(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("'" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("'" + url + "' must be an https URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("'" + url + "' must not carry user info or a fragment");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            return Optional.of("'" + url + "' uses http; only https is allowed (http only for loopback hosts)");
        }
        return Optional.empty();
    }

    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
