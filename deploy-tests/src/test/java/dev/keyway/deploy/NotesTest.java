package dev.keyway.deploy;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NOTES.txt, printed by helm after install: the issuer URL operators register with the clouds. */
class NotesTest {

    @Test
    void printsTheIssuerUrlAndWhatEachCloudNeeds() {
        String notes = Chart.notes(Chart.with(Chart.minimal(), "publicUrl", "https://id.acme.example/"));
        assertTrue(notes.contains("Issuer URL (register this with your clouds): https://id.acme.example\n"), notes);
        assertTrue(notes.contains("curl -fsS https://id.acme.example/.well-known/openid-configuration"), notes);
        assertTrue(notes.contains("curl -fsS https://id.acme.example/.well-known/jwks.json"), notes);
        assertTrue(notes.contains("aws iam create-open-id-connect-provider --url https://id.acme.example --client-id-list sts.amazonaws.com"), notes);
        assertTrue(notes.contains("--issuer-uri=https://id.acme.example"), notes);
        assertTrue(notes.contains("api://AzureADTokenExchange"), notes);
        assertTrue(notes.contains("Job tokens must carry the audience https://id.acme.example."), notes);
        assertTrue(notes.contains("http://keyway." + Chart.NAMESPACE + ".svc"), notes);
        assertFalse(notes.contains("WARNING"), notes);
    }

    @Test
    void showsAnAudienceOtherThanTheUrl() {
        String notes = Chart.notes(Chart.with(Chart.minimal(), "audience", "keyway-prod"));
        assertTrue(notes.contains("Job tokens must carry the audience keyway-prod."), notes);
    }

    @Test
    void warnsAboutDemoKeysAndAPlainHttpIssuer() {
        Map<String, Object> demo = Chart.ci("demo");
        String notes = Chart.notes(demo);
        assertTrue(notes.contains("WARNING: keys.ephemeral is on (DEMO ONLY)"), notes);
        assertTrue(notes.contains("WARNING: publicUrl is not https"), notes);
    }

    @Test
    void pointsAtRedisForMoreReplicasOnlyWhenOnTheMemoryStore() {
        assertTrue(Chart.notes(Chart.minimal()).contains("For several replicas set store.type=redis"));
        String production = Chart.notes(Chart.ci("production"));
        assertFalse(production.contains("For several replicas"), production);
        assertTrue(production.contains("Policy comes from the ConfigMap keyway-policy"), production);
    }
}
