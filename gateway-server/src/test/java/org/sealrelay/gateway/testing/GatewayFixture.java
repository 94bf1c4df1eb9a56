package org.sealrelay.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealrelay.gateway.Gateway;
import org.sealrelay.gateway.config.ConfigLoader;

/**
 * A JUnit extension that, before each test, starts a {@link NextHopServer} and a {@link Gateway}
 * that relays to it, in a temporary folder of its own with a listener and an admin endpoint on
 * free ports. After each test, passed or failed, it closes the gateway and the next hop and
 * deletes the folder. Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final GatewayFixture relay = GatewayFixture.relaying().policy(RULES).build();
 * }</pre>
 */
public final class GatewayFixture implements BeforeEachCallback, AfterEachCallback {
    /**
     * Changes the configuration before the gateway starts, and may write files it names (such
     * as a credentials file) into the test's folder.
     */
    @FunctionalInterface
    public interface ConfigEdit {
        /** Returns the YAML to start the gateway with, given the generated YAML. */
        String apply(Path directory, String yaml) throws Exception;
    }

    /** Settings of a {@link GatewayFixture}. The defaults relay at {@code encrypt} to a STARTTLS next hop. */
    public static final class Builder {
        private boolean nextHopStartTls = true;
        private String tlsLevel = "encrypt";
        private String policyRules;
        private ConfigEdit edit = (directory, yaml) -> yaml;
        private boolean startBeforeEach = true;

        private Builder() {
        }

        /** Chooses whether the next hop offers STARTTLS. */
        public Builder nextHopStartTls(boolean offered) {
            this.nextHopStartTls = offered;
            return this;
        }

        /** Sets {@code delivery.default-tls-level}, such as {@code "may"} or {@code "verify"}. */
        public Builder tlsLevel(String level) {
            this.tlsLevel = level;
            return this;
        }

        /** Writes {@code rules} to {@code policy.yaml} in the folder and sets {@code policy.file} to it. */
        public Builder policy(String rules) {
            this.policyRules = rules;
            return this;
        }

        /** Sets a change to the generated configuration, applied last. */
        public Builder configEdit(ConfigEdit edit) {
            this.edit = edit;
            return this;
        }

        /**
         * Leaves the gateway stopped before each test, for tests that each start it with their
         * own settings through {@link GatewayFixture#start(ConfigEdit)}. The next hop still starts.
         */
        public Builder startInTest() {
            this.startBeforeEach = false;
            return this;
        }

        public GatewayFixture build() {
            return new GatewayFixture(this);
        }
    }

    private final Builder settings;
    private Path directory;
    private NextHopServer nextHop;
    private Gateway gateway;

    private GatewayFixture(Builder settings) {
        this.settings = settings;
    }

    /** Starts a builder for a gateway that relays to a loopback next hop. */
    public static Builder relaying() {
        return new Builder();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("sealrelay-gateway-");
        nextHop = settings.nextHopStartTls ? NextHopServer.withStartTls() : NextHopServer.withoutStartTls();
        if (settings.startBeforeEach) {
            gateway = Gateway.start(ConfigLoader.parse("test.yaml", configYaml()));
        }
    }

    /**
     * Starts a gateway on this test's folder and next hop, after closing the running one if
     * there is one. It uses the configuration the builder made (writing policy.yaml again), with
     * {@code edit} applied after the builder's edit. A new listener is on another free port, so
     * read {@link #address} again.
     */
    public Gateway start(ConfigEdit edit) throws Exception {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        gateway = Gateway.start(ConfigLoader.parse("test.yaml", edit.apply(directory, configYaml())));
        return gateway;
    }

    /** Closes the gateway and starts it again with the same configuration, as after a process restart. */
    public Gateway restart() throws Exception {
        return start((folder, yaml) -> yaml);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            try {
                if (nextHop != null) {
                    nextHop.close();
                }
            } finally {
                TempDirectories.deleteRecursively(directory);
            }
        }
    }

    /** Returns this test's folder, which contains the spool, keys, audit log and policy file. */
    public Path directory() {
        return directory;
    }

    public NextHopServer nextHop() {
        return nextHop;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Returns the address of the gateway's SMTP listener. */
    public InetSocketAddress address() {
        return gateway.listenAddresses().get(0);
    }

    private String configYaml() throws Exception {
        String yaml = TestGateways.yaml(directory, 0, nextHop.port(), settings.tlsLevel);
        if (settings.policyRules != null) {
            yaml += TestGateways.policyFile(directory, settings.policyRules);
        }
        return settings.edit.apply(directory, yaml);
    }
}
