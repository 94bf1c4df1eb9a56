package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.tlsrpt.ResultType;

class HandshakeFailuresTest {
    @Test
    void expiredCertificate() {
        Throwable cause = handshake(new CertificateException("validity check failed",
                new CertificateExpiredException("NotAfter: Fri Jan 01 00:00:00 UTC 2021")));

        assertThat(HandshakeFailures.classify(cause)).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
    }

    @Test
    void expiredPathReason() {
        Throwable cause = handshake(new CertificateException(new CertPathValidatorException("expired", null, null, -1,
                CertPathValidatorException.BasicReason.EXPIRED)));

        assertThat(HandshakeFailures.classify(cause)).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
    }

    @Test
    void untrustedChain() {
        Throwable cause = handshake(new CertificateException(new CertPathValidatorException("no trust anchor")));

        assertThat(HandshakeFailures.classify(cause)).isEqualTo(ResultType.CERTIFICATE_NOT_TRUSTED);
    }

    @Test
    void wrongHost() {
        Throwable cause = handshake(new CertificateException("No subject alternative DNS name matching mx.lab.test found."));

        assertThat(HandshakeFailures.classify(cause)).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    void otherFailuresAreValidationFailures() {
        assertThat(HandshakeFailures.classify(handshake(new CertificateException("no TLSA record matches the certificate chain"))))
                .isEqualTo(ResultType.VALIDATION_FAILURE);
        assertThat(HandshakeFailures.classify(new SSLHandshakeException("no cipher suites in common")))
                .isEqualTo(ResultType.VALIDATION_FAILURE);
    }

    private static Throwable handshake(Throwable cause) {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX check failed");
        handshake.initCause(cause);
        return handshake;
    }
}
