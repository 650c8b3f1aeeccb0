package dev.keyway.providers.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS STS as WireMock plays it: the Query protocol's form-encoded requests and the XML answers
 * STS documents (API reference, "Examples" of AssumeRole / AssumeRoleWithWebIdentity, and the
 * common ErrorResponse shape).
 */
final class StsStub {

    static final String ACCESS_KEY_ID = "ASIAKEYWAYSTUB00001";
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKEYWAYSECRET";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEKEYWAYSESSIONTOKENAQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE";
    static final String ACCOUNT = "123456789012";

    private StsStub() {
    }

    static MappingBuilder action(String action) {
        return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
    }

    static ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
    }

    static String assumedRoleArn(String roleName, String sessionName) {
        return "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + roleName + "/" + sessionName;
    }

    /** The documented AssumeRoleWithWebIdentity answer, valid from now for {@code seconds}. */
    static String webIdentityResponse(String roleName, String sessionName, long seconds) {
        return """
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <SubjectFromWebIdentityToken>contract:repo:acme/api</SubjectFromWebIdentityToken>
                    <Audience>sts.amazonaws.com</Audience>
                    <AssumedRoleUser>
                      <Arn>%s</Arn>
                      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId>
                    </AssumedRoleUser>
                    <Credentials>
                      <SessionToken>%s</SessionToken>
                      <SecretAccessKey>%s</SecretAccessKey>
                      <Expiration>%s</Expiration>
                      <AccessKeyId>%s</AccessKeyId>
                    </Credentials>
                    <Provider>keyway.test</Provider>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata>
                    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
                  </ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """.formatted(assumedRoleArn(roleName, sessionName), sessionName, SESSION_TOKEN, SECRET_ACCESS_KEY,
                expiration(seconds), ACCESS_KEY_ID);
    }

    /** The documented AssumeRole answer, valid from now for {@code seconds}. */
    static String assumeRoleResponse(String roleName, String sessionName, long seconds) {
        return """
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleResult>
                    <SourceIdentity>octocat</SourceIdentity>
                    <AssumedRoleUser>
                      <Arn>%s</Arn>
                      <AssumedRoleId>ARO123EXAMPLE123:%s</AssumedRoleId>
                    </AssumedRoleUser>
                    <Credentials>
                      <AccessKeyId>%s</AccessKeyId>
                      <SecretAccessKey>%s</SecretAccessKey>
                      <SessionToken>%s</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                    <PackedPolicySize>6</PackedPolicySize>
                  </AssumeRoleResult>
                  <ResponseMetadata>
                    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                  </ResponseMetadata>
                </AssumeRoleResponse>
                """.formatted(assumedRoleArn(roleName, sessionName), sessionName, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
                SESSION_TOKEN, expiration(seconds));
    }

    /** STS's error body: {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>}. */
    static String error(String type, String code, String message) {
        return """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error>
                    <Type>%s</Type>
                    <Code>%s</Code>
                    <Message>%s</Message>
                  </Error>
                  <RequestId>4f9c3f8e-5c1a-4d0e-9a57-0a6b8f1e2d3c</RequestId>
                </ErrorResponse>
                """.formatted(type, code, message);
    }

    static String expiration(long seconds) {
        return Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The form parameters of one Query-protocol request. */
    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<LoggedRequest> requests(WireMockServer sts) {
        return sts.findAll(postRequestedFor(urlEqualTo("/")));
    }
}
