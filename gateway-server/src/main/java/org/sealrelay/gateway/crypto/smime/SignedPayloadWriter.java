package org.sealrelay.gateway.crypto.smime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.sealrelay.gateway.crypto.EncryptionException;
import org.sealrelay.gateway.crypto.HeaderProtection;
import org.sealrelay.gateway.crypto.MimeOutput;

/**
 * Writes the payload as {@code multipart/signed} with a detached CMS signature (RFC 8551
 * section 3.5.3). The first part is hashed while it streams; only the signature, a few KiB,
 * is buffered.
 */
final class SignedPayloadWriter {
    private SignedPayloadWriter() {
    }

    static void write(SmimeSigningKey key, HeaderProtection protection, InputStream body, OutputStream out)
            throws IOException, EncryptionException, CMSException {
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        try {
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                    .setProvider(SmimeEncryptor.PROVIDER)
                    .build(key.signatureAlgorithm(), key.privateKey(), key.certificate()));
            generator.addCertificates(new JcaCertStore(key.chain()));
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new EncryptionException("cannot prepare the S/MIME signature: " + e.getMessage(), e);
        }
        String boundary = MimeOutput.newBoundary();
        MimeOutput.line(out, "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;");
        MimeOutput.line(out, "\tboundary=\"" + boundary + "\"");
        MimeOutput.line(out, "");
        MimeOutput.line(out, "This is a cryptographically signed message in MIME format.");
        MimeOutput.line(out, "");
        MimeOutput.line(out, "--" + boundary);

        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        try (OutputStream hashed = generator.open(signature, false)) {
            // The signed content ends before the CRLF that precedes the next boundary
            // (RFC 1847 section 2.1), so both streams see exactly the same bytes.
            OutputStream tee = new TeeOutputStream(out, hashed);
            protection.writePayloadHeader(tee);
            body.transferTo(tee);
        }

        MimeOutput.line(out, "");
        MimeOutput.line(out, "--" + boundary);
        MimeOutput.line(out, "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"");
        MimeOutput.line(out, "Content-Transfer-Encoding: base64");
        MimeOutput.line(out, "Content-Disposition: attachment; filename=\"smime.p7s\"");
        MimeOutput.line(out, "");
        out.write(Base64.getMimeEncoder().encode(signature.toByteArray()));
        MimeOutput.line(out, "");
        MimeOutput.line(out, "--" + boundary + "--");
    }

    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
