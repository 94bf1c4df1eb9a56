package org.sealrelay.gateway.crypto.keys.discovery;

import java.util.ArrayList;
import java.util.List;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.KeysConfig;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.UpstreamResolvers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@link KeyDiscovery} from the configuration, for the daemon and the command line alike. */
public final class DiscoverySetup {
    private static final Logger log = LoggerFactory.getLogger(DiscoverySetup.class);

    private DiscoverySetup() {
    }

    /**
     * Creates discovery with the finders that {@code keys} enables. DNS lookups use
     * {@code delivery.dns-servers} and {@code delivery.dnssec-trust-anchor}, the same as DANE.
     *
     * @throws IllegalArgumentException when a trust file, trust anchor or DNS server is invalid
     */
    public static KeyDiscovery create(KeysConfig keys, DeliveryConfig delivery, KeyDirectory directory) {
        List<KeyFinder> finders = new ArrayList<>();
        if (keys.wkd()) {
            finders.add(new WkdFinder(HttpsTrust.pkixContext(keys.wkdTrustFile()), keys.wkdTimeout()));
        }
        if (keys.dns()) {
            if (delivery.dnssecTrustAnchor() == null) {
                // Without an anchor every answer is INSECURE, so no DNS key would ever count.
                log.warn("keys.dns is on but delivery.dnssec-trust-anchor is not set, so no OPENPGPKEY or SMIMEA "
                        + "answer can validate and none will be used");
            }
            DnssecResolver resolver = DnssecResolver.create(UpstreamResolvers.forServers(delivery.dnsServers()),
                    delivery.dnssecTrustAnchor());
            finders.add(new OpenPgpKeyRecordFinder(resolver));
            finders.add(new SmimeaRecordFinder(resolver));
        }
        return new KeyDiscovery(directory, finders, keys.positiveTtl(), keys.negativeTtl());
    }
}
