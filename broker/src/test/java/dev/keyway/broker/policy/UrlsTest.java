package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where Keyway may fetch keys from: https anywhere, http only to loopback, nothing else. */
class UrlsTest {

    @ParameterizedTest(name = "{0} may be fetched")
    @ValueSource(strings = {
            "https://token.actions.githubusercontent.com",
            "https://gitlab.com/oauth/discovery/keys",
            "HTTPS://IDP.EXAMPLE.COM/",
            "https://idp.example.com:8443/realms/ci?x=1",
            "http://localhost:8080",
            "http://LOCALHOST/jwks",
            "http://127.0.0.1:9000/jwks.json",
            "http://127.1.2.3",
            "http://[::1]:8080/keys"})
    void accepts(String url) {
        assertEquals(Optional.empty(), Urls.checkFetchable(url));
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://idp.example.com                 | only https is allowed
            http://0.0.0.0:8080                    | only https is allowed
            http://localhost.evil.example          | only https is allowed
            http://127.0.0.1.evil.example          | only https is allowed
            http://10.0.0.1/jwks                   | only https is allowed
            ftp://idp.example.com                  | must be an https URL with a host
            file:///etc/keyway/jwks.json           | must be an https URL with a host
            https:///no-host                       | must be an https URL with a host
            kubernetes/serviceaccount              | must be an https URL with a host
            gitlab.com                             | must be an https URL with a host
            https://user:pass@idp.example.com      | must not carry user info or a fragment
            https://idp.example.com/#fragment      | must not carry user info or a fragment
            https://idp.example.com/a b            | is not a URL
            """)
    void refuses(String url, String reason) {
        Optional<String> problem = Urls.checkFetchable(url);
        assertTrue(problem.isPresent(), url);
        assertTrue(problem.get().contains(reason), problem.get());
    }
}
