package org.sealrelay.gateway.delivery;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;

/**
 * Trusts a server exactly when {@link DaneVerifier} matches its chain, so the handshake fails
 * (and the session defers) on a mismatch. It trusts no client.
 */
final class DaneTrustManager extends ServerTrustManager {
    private final DaneVerifier verifier;

    DaneTrustManager(DaneVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifier.verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifier.verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
