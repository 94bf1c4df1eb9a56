package org.sealrelay.gateway.testing;

import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.sealrelay.gateway.tls.SelfSignedCertificate;

/** TLS client certificates for tests that relay by certificate. */
public final class ClientCertificates {
    private ClientCertificates() {
    }

    /** Returns key managers that present {@code certificate}, for {@link SmtpTestClient#startTls(KeyManager[])}. */
    public static KeyManager[] keyManagers(SelfSignedCertificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", certificate.keyPair().getPrivate(), "x".toCharArray(),
                new Certificate[] {certificate.certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "x".toCharArray());
        return factory.getKeyManagers();
    }
}
