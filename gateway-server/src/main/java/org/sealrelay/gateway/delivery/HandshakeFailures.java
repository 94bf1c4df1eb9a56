package org.sealrelay.gateway.delivery;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import org.sealrelay.gateway.tlsrpt.ResultType;

/**
 * Maps the cause of a failed TLS handshake to an RFC 8460 result type for TLS reports.
 *
 * <p>The JDK reports PKIX failures as exceptions wrapped in the handshake exception: an expired
 * or not yet valid certificate as {@link CertificateExpiredException},
 * {@link CertificateNotYetValidException} or a {@link CertPathValidatorException} with reason
 * EXPIRED or NOT_YET_VALID; a chain to no trusted root as a {@link CertPathBuilderException}
 * or another {@code CertPathValidatorException}; and a certificate for another host as a
 * {@code CertificateException} whose text names the missing subject alternative name. Anything
 * else, such as a DANE mismatch or no shared cipher, is {@code validation-failure}.
 */
final class HandshakeFailures {
    private HandshakeFailures() {
    }

    /** Returns the result type for a handshake that failed with {@code cause}. */
    static ResultType classify(Throwable cause) {
        ResultType found = ResultType.VALIDATION_FAILURE;
        for (Throwable current = cause; current != null; current = current.getCause()) {
            if (current instanceof CertificateExpiredException || current instanceof CertificateNotYetValidException) {
                return ResultType.CERTIFICATE_EXPIRED;
            }
            if (current instanceof CertPathValidatorException validator) {
                CertPathValidatorException.Reason reason = validator.getReason();
                if (reason == CertPathValidatorException.BasicReason.EXPIRED
                        || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return ResultType.CERTIFICATE_EXPIRED;
                }
                found = ResultType.CERTIFICATE_NOT_TRUSTED;
            } else if (current instanceof CertPathBuilderException) {
                found = ResultType.CERTIFICATE_NOT_TRUSTED;
            } else if (found == ResultType.VALIDATION_FAILURE && namesHostMismatch(current.getMessage())) {
                found = ResultType.CERTIFICATE_HOST_MISMATCH;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return found;
    }

    // The JDK's HostnameChecker words: "No subject alternative DNS name matching X found." and
    // "No name matching X found".
    private static boolean namesHostMismatch(String message) {
        if (message == null) {
            return false;
        }
        String text = message.toLowerCase(Locale.ROOT);
        return text.contains("no subject alternative dns name matching") || text.contains("no name matching");
    }
}
