package org.sealrelay.gateway.dkim;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.sealrelay.gateway.crypto.HeaderField;
import org.sealrelay.gateway.crypto.HeaderSection;

/**
 * Chooses the signer for a relayed message from its header section: the message has exactly
 * one From field with exactly one mailbox, that mailbox's domain is one of the
 * {@code dkim.sign-relayed} domains or a subdomain of one, and the message has no signature of
 * the chosen key yet. A gateway-written message signed when it was generated, or a message
 * that comes around a second time, so gets no second signature of the same key.
 */
final class RelayedMailSigner {
    /** The d= and s= tags of a DKIM-Signature value (RFC 6376 section 3.5). */
    private static final Pattern TAG = Pattern.compile("(?:^|;)\\s*([ds])\\s*=\\s*([^;\\s]+)");

    private final DkimSigning signing;
    private final List<String> domains;

    RelayedMailSigner(DkimSigning signing, List<String> domains) {
        this.signing = signing;
        this.domains = List.copyOf(domains);
    }

    /** Returns the signer for the message, or empty when it is not to be signed. */
    Optional<DkimSigner> signerFor(HeaderSection header) {
        Optional<String> fromDomain = fromDomain(header);
        if (fromDomain.isEmpty() || !listed(fromDomain.get())) {
            return Optional.empty();
        }
        Optional<DkimSigner> signer = signing.signerFor(fromDomain.get(), DkimService.EMAIL);
        if (signer.isEmpty() || signedBy(header, signer.get().key())) {
            return Optional.empty();
        }
        return signer;
    }

    private boolean listed(String domain) {
        for (String listed : domains) {
            if (domain.equals(listed) || domain.endsWith("." + listed)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the domain of the only From mailbox, or empty when there is not exactly one. */
    static Optional<String> fromDomain(HeaderSection header) {
        HeaderField from = null;
        for (HeaderField field : header.fields()) {
            if (field.key().equals("from")) {
                if (from != null) {
                    return Optional.empty();
                }
                from = field;
            }
        }
        if (from == null) {
            return Optional.empty();
        }
        MailboxList mailboxes;
        try {
            mailboxes = DefaultAddressParser.DEFAULT.parseAddressList(from.value()).flatten();
        } catch (ParseException e) {
            return Optional.empty();
        }
        if (mailboxes.size() != 1) {
            return Optional.empty();
        }
        Mailbox mailbox = mailboxes.get(0);
        if (mailbox.getDomain() == null || mailbox.getDomain().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(mailbox.getDomain().toLowerCase(Locale.ROOT));
    }

    private static boolean signedBy(HeaderSection header, DkimKey key) {
        for (HeaderField field : header.fields()) {
            if (!field.key().equals("dkim-signature")) {
                continue;
            }
            String domain = null;
            String selector = null;
            Matcher tag = TAG.matcher(field.value());
            while (tag.find()) {
                if (tag.group(1).equals("d")) {
                    domain = tag.group(2).toLowerCase(Locale.ROOT);
                } else {
                    selector = tag.group(2);
                }
            }
            if (key.domain().equals(domain) && key.selector().equals(selector)) {
                return true;
            }
        }
        return false;
    }
}
