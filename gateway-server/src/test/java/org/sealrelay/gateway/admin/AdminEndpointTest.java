package org.sealrelay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** The admin endpoint over real HTTP: authentication, token file and error statuses. */
class AdminEndpointTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().nextHopStartTls(false).build();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void requestWithoutTokenIsRejected() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/queue")).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sealrelay-admin\"");
        assertThat(response.body()).contains("missing or wrong bearer token");
    }

    @Test
    void requestWithWrongTokenIsRejected() throws Exception {
        String wrong = "0".repeat(64);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/queue"))
                .header("Authorization", "Bearer " + wrong).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void requestWithOtherSchemeIsRejected() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/queue"))
                .header("Authorization", "Basic " + token()).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void requestWithTokenIsServed() throws Exception {
        HttpResponse<String> response = authorized("GET", "/v1/queue");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"count\" : 0");
    }

    @Test
    void tokenFileIsOwnerOnly() throws Exception {
        Path file = relay.directory().resolve("admin.token");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).matches("[0-9a-f]{64}\n");
    }

    @Test
    void tokenChangesAtEachStart() throws Exception {
        String first = token();

        relay.restart();

        assertThat(token()).isNotEqualTo(first);
    }

    @Test
    void errorsHaveStatusAndText() throws Exception {
        HttpResponse<String> badId = authorized("GET", "/v1/queue/nope");
        HttpResponse<String> wrongMethod = authorized("GET", "/v1/queue/hold");
        HttpResponse<String> noSelection = authorized("POST", "/v1/queue/delete");
        HttpResponse<String> elsewhere = authorized("GET", "/metrics");

        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("invalid queue id 'nope': expected 20 characters of Crockford base32");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(noSelection.statusCode()).isEqualTo(400);
        assertThat(noSelection.body()).contains("delete needs a selection: id, domain, reply, older-than or all=true");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    @Test
    void holdIsAudited() throws Exception {
        String queueId = SmtpTestClient.queueIdOf(SmtpTestClient.submit(relay.address(), "a@clinic.example",
                List.of("b@lab.example"), "Subject: x\r\n\r\nbody\r\n")).value();

        HttpResponse<String> hold = authorized("POST", "/v1/queue/hold?id=" + queueId);

        assertThat(hold.statusCode()).isEqualTo(200);
        assertThat(hold.body()).contains("\"result\" : \"done\"");
        List<String> lines = Files.readAllLines(relay.directory().resolve("audit.log"), StandardCharsets.US_ASCII);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"event\":\"decision\"");
        assertThat(lines.get(1)).contains("\"event\":\"admin\",\"queueId\":\"" + queueId + "\",\"action\":\"hold\"");
    }

    private HttpResponse<String> authorized(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token())
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + relay.gateway().adminAddress().getPort() + path);
    }

    private String token() throws Exception {
        return Files.readString(relay.directory().resolve("admin.token"), StandardCharsets.US_ASCII).trim();
    }
}
