package org.sealrelay.gateway.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;

/**
 * Binary form of an {@link Envelope}, which is sealed before it reaches the disk.
 *
 * <p>Version 1, all integers big-endian, each string as a 4-octet length and UTF-8 octets:
 * version (1 octet), queue id, reverse-path, 8BITMIME flag (1 octet), client address, client
 * HELO, received-at seconds (8) and nanoseconds (4), size in octets (8), recipient count (4), then
 * per recipient: address, plan step count (4), per step the {@link DeliveryMethod} name and the
 * {@link TlsLevel} configuration name (empty for a step without a level), status name, attempts (4) and last reply. Decoding rejects
 * trailing octets.
 *
 * <p>Version 2 is version 1 with these additions: a held flag and a delay-notified flag (1 octet
 * each) after the size, and per recipient, after the last reply, the remote MTA (string) and a
 * notified flag (1 octet). Version 1 envelopes still decode, as not held, not delay-notified,
 * with no remote MTA and not notified.
 *
 * <p>Version 3 adds, after the delay-notified flag, the transaction options (SMTPUTF8 and
 * REQUIRETLS flags, RET and ENVID strings), and per recipient, after the notified flag, the
 * NOTIFY count (4) and names, ORCPT, the plan step index (4) and the policy note.
 *
 * <p>Version 4 adds per recipient, after the policy note, its {@link RecipientTreatment}: the
 * exempt and archive-copy flags (1 octet each), the count (4) of header fields to add with each
 * name and value, the subject tag, the count (4) of header names to remove with each name, and
 * the subject tag to strip. Older versions decode with {@link RecipientTreatment#NONE}. Encoding
 * always writes version 4.
 */
final class EnvelopeCodec {
    static final int VERSION_1 = 1;
    static final int VERSION = 4;
    /** Bounds the list counts of one recipient's edits, well above what a rules file can produce. */
    private static final int MAX_EDIT_ITEMS = 1_000;
    private static final int MAX_STRING_OCTETS = 1 << 20;

    private EnvelopeCodec() {}

    static byte[] encode(Envelope envelope) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(VERSION);
            writeString(out, envelope.id().value());
            writeString(out, envelope.reversePath());
            out.writeBoolean(envelope.eightBitMime());
            writeString(out, envelope.clientAddress());
            writeString(out, envelope.clientHelo());
            out.writeLong(envelope.receivedAt().getEpochSecond());
            out.writeInt(envelope.receivedAt().getNano());
            out.writeLong(envelope.sizeOctets());
            out.writeBoolean(envelope.held());
            out.writeBoolean(envelope.delayNotified());
            TransactionOptions options = envelope.options();
            out.writeBoolean(options.smtpUtf8());
            out.writeBoolean(options.requireTls());
            writeString(out, options.dsnReturn());
            writeString(out, options.envelopeId());
            out.writeInt(envelope.recipients().size());
            for (EnvelopeRecipient recipient : envelope.recipients()) {
                writeRecipient(out, recipient);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array failed", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes an envelope and checks that it belongs to {@code expectedId}.
     *
     * @throws IOException if the octets are not a valid envelope of that id, of version 1 to 4
     */
    static Envelope decode(byte[] octets, QueueId expectedId) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(octets));
        try {
            int version = in.readUnsignedByte();
            if (version < VERSION_1 || version > VERSION) {
                throw invalid(expectedId, "unsupported version " + version + "; expected " + VERSION_1 + " to "
                        + VERSION);
            }
            String id = readString(in);
            if (!id.equals(expectedId.value())) {
                throw invalid(expectedId, "it names queue id " + id);
            }
            String reversePath = readString(in);
            boolean eightBitMime = in.readBoolean();
            String clientAddress = readString(in);
            String clientHelo = readString(in);
            Instant receivedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            long sizeOctets = in.readLong();
            boolean held = version >= 2 && in.readBoolean();
            boolean delayNotified = version >= 2 && in.readBoolean();
            TransactionOptions options = TransactionOptions.NONE;
            if (version >= 3) {
                options = new TransactionOptions(in.readBoolean(), in.readBoolean(), readString(in), readString(in));
            }
            int count = in.readInt();
            if (count < 1 || count > octets.length) {
                throw invalid(expectedId, "recipient count " + count + " is out of range");
            }
            List<EnvelopeRecipient> recipients = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                recipients.add(readRecipient(in, octets.length, version));
            }
            if (in.available() > 0) {
                throw invalid(expectedId, in.available() + " trailing octets");
            }
            return new Envelope(expectedId, reversePath, recipients, eightBitMime, clientAddress, clientHelo,
                    receivedAt, sizeOctets, held, delayNotified, options);
        } catch (EOFException e) {
            throw invalid(expectedId, "it ends early");
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IOException("invalid envelope of " + expectedId + ": " + e.getMessage(), e);
        }
    }

    private static void writeRecipient(DataOutputStream out, EnvelopeRecipient recipient) throws IOException {
        writeString(out, recipient.address());
        List<PlanStep> steps = recipient.plan().steps();
        out.writeInt(steps.size());
        for (PlanStep step : steps) {
            writeString(out, step.method().name());
            // Encryption steps carry no level; the empty string stands for none.
            writeString(out, step.tlsLevel() == null ? "" : step.tlsLevel().configName());
        }
        writeString(out, recipient.status().name());
        out.writeInt(recipient.attempts());
        writeString(out, recipient.lastReply());
        writeString(out, recipient.remoteMta());
        out.writeBoolean(recipient.notified());
        out.writeInt(recipient.dsn().conditions().size());
        for (DsnRequest.Notify condition : recipient.dsn().conditions()) {
            writeString(out, condition.name());
        }
        writeString(out, recipient.dsn().originalRecipient());
        out.writeInt(recipient.planStep());
        writeString(out, recipient.policyNote());
        writeTreatment(out, recipient.treatment());
    }

    private static void writeTreatment(DataOutputStream out, RecipientTreatment treatment) throws IOException {
        out.writeBoolean(treatment.exempt());
        out.writeBoolean(treatment.archiveCopy());
        MessageEdits edits = treatment.edits();
        out.writeInt(edits.addHeaders().size());
        for (MessageEdits.HeaderField field : edits.addHeaders()) {
            writeString(out, field.name());
            writeString(out, field.value());
        }
        writeString(out, edits.subjectTag());
        out.writeInt(edits.removeHeaders().size());
        for (String name : edits.removeHeaders()) {
            writeString(out, name);
        }
        writeString(out, edits.stripSubjectTag());
    }

    private static RecipientTreatment readTreatment(DataInputStream in) throws IOException {
        boolean exempt = in.readBoolean();
        boolean archiveCopy = in.readBoolean();
        int added = readCount(in, "header fields to add");
        List<MessageEdits.HeaderField> addHeaders = new ArrayList<>(added);
        for (int i = 0; i < added; i++) {
            addHeaders.add(new MessageEdits.HeaderField(readString(in), readString(in)));
        }
        String subjectTag = readString(in);
        int removed = readCount(in, "header names to remove");
        List<String> removeHeaders = new ArrayList<>(removed);
        for (int i = 0; i < removed; i++) {
            removeHeaders.add(readString(in));
        }
        String stripSubjectTag = readString(in);
        // MessageEdits checks every name and value again, so a forged envelope cannot inject header lines.
        return new RecipientTreatment(new MessageEdits(addHeaders, subjectTag, removeHeaders, stripSubjectTag), exempt,
                archiveCopy);
    }

    private static int readCount(DataInputStream in, String items) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_EDIT_ITEMS) {
            throw new IOException("count of " + items + " " + count + " is out of range 0.." + MAX_EDIT_ITEMS);
        }
        return count;
    }

    private static EnvelopeRecipient readRecipient(DataInputStream in, int maxCount, int version)
            throws IOException {
        String address = readString(in);
        int stepCount = in.readInt();
        if (stepCount < 1 || stepCount > maxCount) {
            throw new IOException("plan step count " + stepCount + " is out of range");
        }
        List<PlanStep> steps = new ArrayList<>(stepCount);
        for (int i = 0; i < stepCount; i++) {
            DeliveryMethod method = DeliveryMethod.valueOf(readString(in));
            String levelName = readString(in);
            TlsLevel level = levelName.isEmpty() ? null : TlsLevel.fromConfigName(levelName);
            steps.add(new PlanStep(method, level));
        }
        RecipientStatus status = RecipientStatus.valueOf(readString(in));
        int attempts = in.readInt();
        String lastReply = readString(in);
        String remoteMta = version >= 2 ? readString(in) : "";
        boolean notified = version >= 2 && in.readBoolean();
        DsnRequest dsn = DsnRequest.DEFAULT;
        if (version >= 3) {
            int conditions = in.readInt();
            if (conditions < 0 || conditions > DsnRequest.Notify.values().length) {
                throw new IOException("NOTIFY count " + conditions + " is out of range");
            }
            java.util.Set<DsnRequest.Notify> notify = java.util.EnumSet.noneOf(DsnRequest.Notify.class);
            for (int i = 0; i < conditions; i++) {
                notify.add(DsnRequest.Notify.valueOf(readString(in)));
            }
            dsn = new DsnRequest(notify, readString(in));
        }
        int planStep = version >= 3 ? in.readInt() : 0;
        if (planStep < 0 || planStep >= steps.size()) {
            throw new IOException("plan step " + planStep + " is out of range 0.." + (steps.size() - 1));
        }
        String policyNote = version >= 3 ? readString(in) : "";
        RecipientTreatment treatment = version >= 4 ? readTreatment(in) : RecipientTreatment.NONE;
        return new EnvelopeRecipient(address, new DeliveryPlan(steps), status, attempts, lastReply, remoteMta,
                notified, dsn, planStep, policyNote, treatment);
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] octets = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(octets.length);
        out.write(octets);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_OCTETS) {
            throw new IOException("string length " + length + " is out of range 0.." + MAX_STRING_OCTETS);
        }
        byte[] octets = new byte[length];
        in.readFully(octets);
        return new String(octets, StandardCharsets.UTF_8);
    }

    private static IOException invalid(QueueId id, String problem) {
        return new IOException("invalid envelope of " + id + ": " + problem);
    }
}
