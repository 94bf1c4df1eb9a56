package org.sealrelay.gateway.crypto.keys.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeySource;

/** Web Key Directory lookups against a loopback HTTPS server with a test CA. */
class WkdFinderTest {
    private static final String JANE = "jane@lab.example";
    private static final String ADVANCED_PATH = "/.well-known/openpgpkey/lab.example/hu/";
    private static final String DIRECT_PATH = "/.well-known/openpgpkey/hu/";

    @TempDir
    static Path home;
    static GpgHome gpg;
    static byte[] janeKey;
    static byte[] otherKey;
    static String janeFingerprint;

    @TempDir
    Path temp;
    private WkdServer server;

    @BeforeAll
    static void generateKeys() throws Exception {
        ExternalTool.requireTool("gpg");
        gpg = new GpgHome(home.resolve("gnupg"));
        gpg.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
        gpg.generateKey("John <john@lab.example>", "future-default", "default", "1y");
        janeKey = gpg.gpg(new byte[0], "--export", JANE).stdout();
        otherKey = gpg.gpg(new byte[0], "--export", "john@lab.example").stdout();
        janeFingerprint = gpg.fingerprint(JANE);
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new WkdServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void urisCarryZBase32Hash() {
        // Expected hash computed separately with Python's hashlib and a z-base-32 encoder.
        assertThat(WkdFinder.advancedUri("joe.doe@example.org")).isEqualTo(URI.create(
                "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe"));
        assertThat(WkdFinder.directUri("joe.doe@example.org")).isEqualTo(URI.create(
                "https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe"));
    }

    @Test
    void advancedMethodFindsKey() throws Exception {
        String hash = hashOf(JANE);
        server.responses().put(ADVANCED_PATH + hash, janeKey);

        List<DiscoveredKey> keys = finder(server.writeAuthority(temp.resolve("ca.pem"))).find(JANE).join();

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).key().fingerprint()).isEqualTo(janeFingerprint);
        assertThat(keys.get(0).source()).isEqualTo(KeySource.WKD);
        assertThat(keys.get(0).location()).isEqualTo("https://openpgpkey.lab.example" + ADVANCED_PATH + hash);
        assertThat(server.requests()).containsExactly(ADVANCED_PATH + hash + "?l=jane");
    }

    @Test
    void advancedNotFoundIsFinal() throws Exception {
        String hash = hashOf(JANE);
        server.responses().put(DIRECT_PATH + hash, janeKey);

        List<DiscoveredKey> keys = finder(server.writeAuthority(temp.resolve("ca.pem"))).find(JANE).join();

        assertThat(keys).isEmpty();
        assertThat(server.requests()).containsExactly(ADVANCED_PATH + hash + "?l=jane");
    }

    @Test
    void directMethodFollowsUnreachableAdvancedHost() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int unreachable = closedPort;
        server.responses().put(DIRECT_PATH + hashOf(JANE), janeKey);
        WkdFinder finder = new WkdFinder(HttpsTrust.pkixContext(server.writeAuthority(temp.resolve("ca.pem"))),
                Duration.ofSeconds(5), uri -> uri.getHost().startsWith("openpgpkey.")
                        ? URI.create("https://localhost:" + unreachable + uri.getRawPath() + "?" + uri.getRawQuery())
                        : server.endpoint().apply(uri));

        List<DiscoveredKey> keys = finder.find(JANE).join();

        assertThat(keys).extracting(key -> key.key().fingerprint()).containsExactly(janeFingerprint);
        assertThat(keys.get(0).location()).isEqualTo("https://lab.example" + DIRECT_PATH + hashOf(JANE));
        assertThat(server.requests()).containsExactly(DIRECT_PATH + hashOf(JANE) + "?l=jane");
    }

    @Test
    void keyWithoutTheAddressIsSkipped() throws Exception {
        server.responses().put(ADVANCED_PATH + hashOf(JANE), otherKey);

        List<DiscoveredKey> keys = finder(server.writeAuthority(temp.resolve("ca.pem"))).find(JANE).join();

        assertThat(keys).isEmpty();
    }

    @Test
    void untrustedServerCertificateFails() throws Exception {
        server.responses().put(ADVANCED_PATH + hashOf(JANE), janeKey);
        server.responses().put(DIRECT_PATH + hashOf(JANE), janeKey);

        assertThatThrownBy(() -> finder(null).find(JANE).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void oversizedResponseFails() throws Exception {
        // The advanced response fails without being an HTTP answer, so the direct method runs too.
        server.responses().put(ADVANCED_PATH + hashOf(JANE), new byte[WkdFinder.MAX_KEY_OCTETS + 1]);
        server.responses().put(DIRECT_PATH + hashOf(JANE), new byte[WkdFinder.MAX_KEY_OCTETS + 1]);

        assertThatThrownBy(() -> finder(server.writeAuthority(temp.resolve("ca.pem"))).find(JANE).join())
                .isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("WKD response from lab.example exceeds the limit of " + WkdFinder.MAX_KEY_OCTETS + " octets");
    }

    private WkdFinder finder(Path trustFile) {
        return new WkdFinder(HttpsTrust.pkixContext(trustFile), Duration.ofSeconds(5), server.endpoint());
    }

    private static String hashOf(String address) {
        String path = WkdFinder.directUri(address).getRawPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
