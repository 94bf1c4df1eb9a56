package org.sealrelay.gateway.dsn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * A delivery status notification parsed back with Apache James mime4j, for tests: the top-level
 * header, the parts of the multipart/report, and the message/delivery-status part split into its
 * per-message fields and one field group per recipient (RFC 3464 section 2.1).
 */
public final class ParsedReport {
    private final byte[] raw;
    private final Message message;
    private final Multipart parts;
    private final Header perMessage;
    private final List<Header> perRecipient;

    private ParsedReport(byte[] raw, Message message) throws IOException, MimeException {
        this.raw = raw;
        this.message = message;
        if (!(message.getBody() instanceof Multipart multipart)) {
            throw new AssertionError("expected a multipart body; got " + message.getMimeType());
        }
        this.parts = multipart;
        List<Header> groups = fieldGroups(text(part(1)));
        if (groups.isEmpty()) {
            throw new AssertionError("the delivery-status part has no per-message fields");
        }
        this.perMessage = groups.get(0);
        this.perRecipient = List.copyOf(groups.subList(1, groups.size()));
    }

    /** Parses a report; fails the test when it is not a multipart message. */
    public static ParsedReport parse(byte[] raw) {
        try {
            return new ParsedReport(raw, builder().parseMessage(new ByteArrayInputStream(raw)));
        } catch (IOException | MimeException e) {
            throw new AssertionError("the report does not parse as MIME: " + e, e);
        }
    }

    public byte[] raw() {
        return raw.clone();
    }

    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** Returns the top-level header field's value, unfolded, or null when absent. */
    public String header(String name) {
        Field field = message.getHeader().getField(name);
        return field == null ? null : field.getBody();
    }

    /** Returns the top-level MIME type, such as {@code multipart/report}. */
    public String mimeType() {
        return message.getMimeType();
    }

    /** Returns a parameter of the top-level Content-Type, such as {@code report-type}. */
    public String contentTypeParameter(String name) {
        ContentTypeField type = (ContentTypeField) message.getHeader().getField("Content-Type");
        return type.getParameter(name);
    }

    /** Returns the MIME types of the parts in order. */
    public List<String> partTypes() {
        List<String> types = new ArrayList<>();
        for (Entity entity : parts.getBodyParts()) {
            types.add(entity.getMimeType());
        }
        return types;
    }

    /** Returns the first part, the human-readable explanation. */
    public String explanation() {
        return text(part(0));
    }

    /** Returns a per-message field of the delivery-status part, or null when absent. */
    public String messageField(String name) {
        Field field = perMessage.getField(name);
        return field == null ? null : field.getBody();
    }

    /** Returns the per-recipient field groups of the delivery-status part in order. */
    public List<Header> recipients() {
        return perRecipient;
    }

    /** Returns a field of the recipient group at {@code index}, or null when absent. */
    public String recipientField(int index, String name) {
        Field field = perRecipient.get(index).getField(name);
        return field == null ? null : field.getBody();
    }

    /** Returns the third part: returned headers or the returned message. */
    public Entity returnedPart() {
        return part(2);
    }

    /** Returns the text of the third part when it is text/rfc822-headers. */
    public String returnedHeaders() {
        return text(part(2));
    }

    /** Returns the message in the third part when it is message/rfc822. */
    public Message returnedMessage() {
        if (!(part(2).getBody() instanceof Message returned)) {
            throw new AssertionError("expected message/rfc822 as the third part; got " + part(2).getMimeType());
        }
        return returned;
    }

    /** Returns the body of a returned single-part message as text. */
    public static String bodyText(Message returned) {
        return text(returned);
    }

    private Entity part(int index) {
        return parts.getBodyParts().get(index);
    }

    private static String text(Entity entity) {
        Body body = entity.getBody();
        if (!(body instanceof SingleBody single)) {
            throw new AssertionError("expected a single-part body; got " + entity.getMimeType());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            single.writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Splits delivery-status text at empty lines and parses each group as a header section. */
    private static List<Header> fieldGroups(String status) throws IOException, MimeException {
        List<Header> groups = new ArrayList<>();
        for (String group : status.split("\r\n\r\n")) {
            if (group.isBlank()) {
                continue;
            }
            byte[] octets = (group + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            groups.add(builder().parseHeader(new ByteArrayInputStream(octets)));
        }
        return groups;
    }

    private static DefaultMessageBuilder builder() {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).build());
        return builder;
    }
}
