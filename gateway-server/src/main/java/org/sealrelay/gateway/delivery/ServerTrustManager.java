package org.sealrelay.gateway.delivery;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Base of the outbound trust managers: the delivery client only ever checks servers, so every
 * client-certificate check fails.
 */
abstract class ServerTrustManager extends X509ExtendedTrustManager {
    private static final String NO_CLIENTS = "an outbound SMTP client trusts no client certificates";

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException(NO_CLIENTS);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException(NO_CLIENTS);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException(NO_CLIENTS);
    }
}
