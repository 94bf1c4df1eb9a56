package org.sealrelay.gateway.delivery;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Runs a PKIX trust manager, host name check included, and reports its verdict without ever
 * failing the handshake. MTA-STS testing mode uses it: the message goes out either way, and a
 * failure is logged (RFC 8461 section 5).
 */
final class ReportingTrustManager extends ServerTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Consumer<CertificateException> onFailure;

    ReportingTrustManager(X509ExtendedTrustManager pkix, Consumer<CertificateException> onFailure) {
        this.pkix = pkix;
        this.onFailure = onFailure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            onFailure.accept(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            onFailure.accept(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            onFailure.accept(e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
