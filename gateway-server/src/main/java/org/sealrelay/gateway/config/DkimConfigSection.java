package org.sealrelay.gateway.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.sealrelay.gateway.dkim.Canonicalization;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.DkimKeyException;
import org.sealrelay.gateway.dkim.DkimKeyFile;
import org.sealrelay.gateway.dkim.DkimService;

/** Reads the {@code dkim} section of {@code sealrelay.yaml} into a {@link DkimConfig}, loading every key. */
final class DkimConfigSection {
    private static final Pattern DOMAIN =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
    /** RFC 6376 section 3.1: a selector is one or more dot-separated DNS labels. */
    private static final Pattern SELECTOR =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final String GENERATE_HINT = "generate one with 'openssl genpkey -algorithm ed25519 -out FILE'";

    private DkimConfigSection() {
    }

    static DkimConfig parse(ConfigNode node) throws ConfigException {
        if (node == null) {
            return DkimConfig.NONE;
        }
        String canonicalization = node.string("canonicalization", "relaxed/relaxed");
        Duration lifetime = node.duration("signature-lifetime", Duration.ZERO);
        List<ConfigNode> keyNodes = node.childList("keys");
        List<String> signRelayed = node.strings("sign-relayed", List.of());
        node.rejectUnknownKeys();

        String[] halves = canonicalization.split("/", -1);
        Optional<Canonicalization> header = Canonicalization.fromTagValue(halves[0]);
        Optional<Canonicalization> body = halves.length == 2 ? Canonicalization.fromTagValue(halves[1]) : Optional.empty();
        if (halves.length > 2 || header.isEmpty() || (halves.length == 2 && body.isEmpty())) {
            throw node.invalid("canonicalization", "invalid value '" + canonicalization
                    + "': expected relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple");
        }
        if (lifetime.isNegative()) {
            throw node.invalid("signature-lifetime", "invalid duration " + lifetime + ": expected 0s (no x= tag) or more");
        }
        if (!lifetime.isZero() && lifetime.compareTo(Duration.ofHours(1)) < 0) {
            throw node.invalid("signature-lifetime", "invalid duration " + lifetime
                    + ": expected at least 1h, because queued mail may wait hours before delivery, or 0s for no expiry");
        }

        List<DkimKey> keys = new ArrayList<>();
        Set<String> recordNames = new HashSet<>();
        for (ConfigNode keyNode : keyNodes) {
            DkimKey key = parseKey(keyNode);
            if (!recordNames.add(key.recordName())) {
                throw keyNode.invalid("selector", "duplicate key " + key.recordName()
                        + ": each domain and selector pair names one key record");
            }
            keys.add(key);
        }
        List<String> relayedDomains = relayedDomains(node, signRelayed, keys);
        // A single name means the same algorithm for header and body, as in the c= tag (RFC 6376 section 3.5).
        Canonicalization bodyAlgorithm = halves.length == 2 ? body.get() : Canonicalization.SIMPLE;
        return new DkimConfig(keys, header.get(), bodyAlgorithm, lifetime, relayedDomains);
    }

    /** Checks each {@code sign-relayed} domain and that a key for ordinary mail covers it. */
    private static List<String> relayedDomains(ConfigNode node, List<String> domains, List<DkimKey> keys)
            throws ConfigException {
        List<String> result = new ArrayList<>();
        for (String text : domains) {
            if (!DOMAIN.matcher(text).matches()) {
                throw node.invalid("sign-relayed", "invalid domain '" + text + "': expected a name such as clinic.example");
            }
            String domain = text.toLowerCase(Locale.ROOT);
            boolean covered = false;
            for (DkimKey key : keys) {
                covered |= key.covers(domain) && key.service().covers(DkimService.EMAIL);
            }
            if (!covered) {
                throw node.invalid("sign-relayed", "no key for " + domain + ": add a dkim.keys entry with domain "
                        + domain + " or a parent domain and service all or email");
            }
            result.add(domain);
        }
        return result;
    }

    private static DkimKey parseKey(ConfigNode node) throws ConfigException {
        String domain = node.string("domain", null);
        String selector = node.string("selector", null);
        String file = node.string("private-key", null);
        String serviceName = node.string("service", DkimService.ALL.configName());
        node.rejectUnknownKeys();

        if (domain == null) {
            throw node.invalid("domain", "missing: name the domain the key signs for (d=), such as clinic.example");
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw node.invalid("domain", "invalid domain '" + domain + "': expected a name such as clinic.example");
        }
        if (selector == null) {
            throw node.invalid("selector", "missing: name the selector of the key record (s=), such as sr2026");
        }
        if (!SELECTOR.matcher(selector).matches()) {
            throw node.invalid("selector", "invalid selector '" + selector
                    + "': expected letters, digits and hyphens in dot-separated labels, such as sr2026");
        }
        if (file == null) {
            throw node.invalid("private-key", "missing for domain " + domain + ": set the PEM private key file; "
                    + GENERATE_HINT);
        }
        Optional<DkimService> service = DkimService.fromConfigName(serviceName);
        if (service.isEmpty()) {
            throw node.invalid("service", "invalid value '" + serviceName + "': expected all, email or tlsrpt");
        }
        DkimKeyFile.Material material;
        try {
            material = DkimKeyFile.read(Path.of(file));
        } catch (NoSuchFileException e) {
            throw node.invalid("private-key", "file not found: " + file + "; check the path, or " + GENERATE_HINT);
        } catch (AccessDeniedException e) {
            throw node.invalid("private-key", "permission denied reading " + file
                    + "; make it readable by the gateway's user only (mode 0600 or 0640 with its group)");
        } catch (IOException e) {
            throw node.invalid("private-key", "cannot read " + file + ": " + e.getMessage());
        } catch (DkimKeyException e) {
            throw node.invalid("private-key", e.getMessage());
        }
        return new DkimKey(domain.toLowerCase(Locale.ROOT), selector, service.get(), material);
    }
}
