package org.sealrelay.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A test message with the cases that break naive encoders: lines starting with '.', 8-bit
 * UTF-8 text, a base64 attachment, folded header fields and a field that must stay inside.
 */
public final class SampleMessage {
    public static final String SUBJECT = "Lab results for Jos\u00e9 M\u00fcller";

    public static final String HEADER = ""
            + "Received: from ehr.clinic.example by mx.clinic.example; Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "From: Dr. Who <doctor@clinic.example>\r\n"
            + "To: Jane Patient <jane@lab.example>\r\n"
            + "Cc: records@clinic.example\r\n"
            + "Subject: " + SUBJECT + "\r\n"
            + "Date: Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <20261204.1@clinic.example>\r\n"
            + "X-Patient-Id: 4711\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed;\r\n"
            + "\tboundary=\"outer-boundary\"\r\n"
            + "\r\n";

    public static final String BODY = ""
            + "--outer-boundary\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Gr\u00fc\u00dfe, the results are attached.\r\n"
            + ".\r\n"
            + "..a line that starts with two dots\r\n"
            + ". and one that starts with a dot and a space\r\n"
            + "\r\n"
            + "--outer-boundary\r\n"
            + "Content-Type: application/pdf; name=\"results.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"results.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl\r\n"
            + "Y29kZT4+CnN0cmVhbQp4nDPQM1Qo5ypUMFAw0DMwslAwtTTVMzIxV7AwMdGzNDFVSM7hAgBVzQVQ\r\n"
            + "--outer-boundary--\r\n";

    private SampleMessage() {
    }

    public static byte[] bytes() {
        return (HEADER + BODY).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] body() {
        return BODY.getBytes(StandardCharsets.UTF_8);
    }

    /** Splits a MIME entity at the empty line: index 0 is the header, 1 the body. */
    public static byte[][] splitEntity(byte[] entity) {
        for (int i = 0; i + 3 < entity.length; i++) {
            if (entity[i] == '\r' && entity[i + 1] == '\n' && entity[i + 2] == '\r' && entity[i + 3] == '\n') {
                byte[] header = Arrays.copyOfRange(entity, 0, i + 2);
                byte[] body = Arrays.copyOfRange(entity, i + 4, entity.length);
                return new byte[][] {header, body};
            }
        }
        throw new AssertionError("no empty line in the entity");
    }
}
