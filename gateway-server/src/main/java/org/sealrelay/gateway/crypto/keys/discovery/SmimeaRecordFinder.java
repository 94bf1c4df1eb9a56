package org.sealrelay.gateway.crypto.keys.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.KeyKind;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.RecipientKey;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Record;
import org.xbill.DNS.SMIMEARecord;
import org.xbill.DNS.Type;

/**
 * S/MIME certificates from DNSSEC-validated SMIMEA records (RFC 8162). A record yields a
 * certificate only with certificate usage 3 (DANE-EE, the certificate itself is the trust
 * anchor), selector 0 (full certificate) and matching type 0 (no hash), because only that
 * combination carries a whole end-entity certificate that the DNSSEC signature vouches for.
 *
 * <p>Other combinations are skipped with a log line. Usage 1 (PKIX-EE) would need the issuing
 * chain, which SMIMEA does not carry; usages 0 and 2 name a CA, not the recipient; selector 1
 * and the hash matching types give no certificate to encrypt to.
 *
 * <p>TODO: use hash records (matching types 1 and 2) to confirm a certificate that was
 * harvested or imported.
 */
public final class SmimeaRecordFinder implements KeyFinder {
    private static final Logger log = LoggerFactory.getLogger(SmimeaRecordFinder.class);
    private static final int USAGE_DANE_EE = 3;
    private static final int SELECTOR_FULL_CERTIFICATE = 0;
    private static final int MATCHING_EXACT = 0;

    private final SecureRecords records;

    public SmimeaRecordFinder(DnssecResolver resolver) {
        this.records = new SecureRecords(resolver);
    }

    @Override
    public KeySource source() {
        return KeySource.SMIMEA;
    }

    @Override
    public CompletableFuture<List<DiscoveredKey>> find(String address) {
        String name = DnsKeyNames.smimea(address);
        return records.lookup(name, Type.SMIMEA, address).thenApply(found -> certificates(found, address, name));
    }

    private static List<DiscoveredKey> certificates(List<Record> found, String address, String name) {
        List<DiscoveredKey> keys = new ArrayList<>();
        for (Record record : found) {
            SMIMEARecord smimea = (SMIMEARecord) record;
            if (smimea.getCertificateUsage() != USAGE_DANE_EE || smimea.getSelector() != SELECTOR_FULL_CERTIFICATE
                    || smimea.getMatchingType() != MATCHING_EXACT) {
                log.info("SMIMEA {} {} {} for {} skipped: only usage 3, selector 0, matching type 0 carries a certificate "
                        + "to encrypt to", smimea.getCertificateUsage(), smimea.getSelector(), smimea.getMatchingType(),
                        Redact.address(address));
                continue;
            }
            List<RecipientKey> parsed;
            try {
                parsed = KeyFileParser.parse(smimea.getCertificateAssociationData());
            } catch (KeyDirectoryException e) {
                log.info("SMIMEA for {} ignored: {}", Redact.address(address), e.getMessage());
                continue;
            }
            for (RecipientKey key : parsed) {
                if (key.kind() == KeyKind.X509 && key.addresses().contains(address)) {
                    keys.add(new DiscoveredKey(key, address, KeySource.SMIMEA, name));
                } else {
                    log.info("SMIMEA certificate {} for {} ignored: it does not name the address",
                            key.fingerprint(), Redact.address(address));
                }
            }
        }
        return keys;
    }
}
