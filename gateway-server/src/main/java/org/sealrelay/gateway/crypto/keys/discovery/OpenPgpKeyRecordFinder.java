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
import org.xbill.DNS.OPENPGPKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** OpenPGP keys from DNSSEC-validated OPENPGPKEY records (RFC 7929). */
public final class OpenPgpKeyRecordFinder implements KeyFinder {
    private static final Logger log = LoggerFactory.getLogger(OpenPgpKeyRecordFinder.class);

    private final SecureRecords records;

    public OpenPgpKeyRecordFinder(DnssecResolver resolver) {
        this.records = new SecureRecords(resolver);
    }

    @Override
    public KeySource source() {
        return KeySource.OPENPGPKEY;
    }

    @Override
    public CompletableFuture<List<DiscoveredKey>> find(String address) {
        String name = DnsKeyNames.openPgpKey(address);
        return records.lookup(name, Type.OPENPGPKEY, address).thenApply(found -> keys(found, address, name));
    }

    private static List<DiscoveredKey> keys(List<Record> found, String address, String name) {
        List<DiscoveredKey> keys = new ArrayList<>();
        for (Record record : found) {
            // RFC 7929 section 2.1: the RDATA is a transferable public key in binary form.
            List<RecipientKey> parsed;
            try {
                parsed = KeyFileParser.parse(((OPENPGPKEYRecord) record).getCert());
            } catch (KeyDirectoryException e) {
                log.info("OPENPGPKEY for {} ignored: {}", Redact.address(address), e.getMessage());
                continue;
            }
            for (RecipientKey key : parsed) {
                if (key.kind() == KeyKind.OPENPGP && key.addresses().contains(address)) {
                    keys.add(new DiscoveredKey(key, address, KeySource.OPENPGPKEY, name));
                } else {
                    log.info("OPENPGPKEY key {} for {} ignored: no self-certified user ID names the address",
                            key.fingerprint(), Redact.address(address));
                }
            }
        }
        return keys;
    }
}
