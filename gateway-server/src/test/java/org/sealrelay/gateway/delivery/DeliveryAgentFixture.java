package org.sealrelay.gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealrelay.gateway.config.DeliveryConfig;

/**
 * A JUnit extension that starts {@link SmtpDeliveryAgent}s for a test and closes every one of
 * them after the test method, whether it passed or failed, and before the class's
 * {@code @AfterEach} methods stop the servers the agents talk to. Register it with
 * {@code @RegisterExtension final DeliveryAgentFixture agents = new DeliveryAgentFixture();}.
 * The most recently started agent is the one {@link #deliver} uses.
 */
final class DeliveryAgentFixture implements AfterTestExecutionCallback {
    /** How long {@link #deliver} waits for an outcome before it fails the test. */
    static final long DELIVERY_TIMEOUT_SECONDS = 30;

    private final List<SmtpDeliveryAgent> started = new ArrayList<>();

    /** Starts an agent with the production environment (system DNS, port 25 for MX hosts). */
    SmtpDeliveryAgent start(DeliveryConfig config) {
        return track(new SmtpDeliveryAgent(config));
    }

    /** Starts an agent with a test environment: its own resolver, MX port and trust anchor. */
    SmtpDeliveryAgent start(DeliveryConfig config, DeliveryEnvironment environment) {
        return track(new SmtpDeliveryAgent(config, environment));
    }

    /**
     * Returns the most recently started agent.
     *
     * @throws IllegalStateException if the test has started none
     */
    SmtpDeliveryAgent agent() {
        if (started.isEmpty()) {
            throw new IllegalStateException("no delivery agent started: call start(config) first");
        }
        return started.get(started.size() - 1);
    }

    /** Delivers through the most recent agent and waits up to 30 seconds for the outcome. */
    DeliveryOutcome deliver(DeliveryRequest request) throws Exception {
        return agent().deliver(request).get(DELIVERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        // Close the newest first, and every one even if an earlier close throws.
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private SmtpDeliveryAgent track(SmtpDeliveryAgent agent) {
        started.add(agent);
        return agent;
    }
}
