package org.sealrelay.gateway.crypto.smime;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.sealrelay.gateway.crypto.EncryptionException;

/**
 * Builds the RecipientInfo for one certificate, chosen by its key type. An RSA key gets
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 4055), unless PKCS#1 v1.5 is requested. An EC
 * key gets ephemeral-static ECDH with the SHA-256 X9.63 KDF and AES-256 key wrap (RFC 5753).
 */
final class RecipientInfos {
    private RecipientInfos() {
    }

    static RecipientInfoGenerator forCertificate(X509Certificate certificate, RsaKeyTransport rsaTransport, SecureRandom random)
            throws EncryptionException {
        try {
            if (certificate.getPublicKey() instanceof RSAPublicKey && rsaTransport == RsaKeyTransport.PKCS1_V1_5) {
                return new JceKeyTransRecipientInfoGenerator(certificate).setProvider(SmimeEncryptor.PROVIDER);
            }
            if (certificate.getPublicKey() instanceof RSAPublicKey) {
                AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                        PKCSObjectIdentifiers.id_RSAES_OAEP,
                        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
                return new JceKeyTransRecipientInfoGenerator(certificate, oaep).setProvider(SmimeEncryptor.PROVIDER);
            }
            if (certificate.getPublicKey() instanceof ECPublicKey ecKey) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", SmimeEncryptor.PROVIDER);
                generator.initialize(ecKey.getParams(), random);
                KeyPair ephemeral = generator.generateKeyPair();
                return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                        ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP)
                        .setProvider(SmimeEncryptor.PROVIDER)
                        .setSecureRandom(random)
                        .addRecipient(certificate);
            }
        } catch (GeneralSecurityException e) {
            throw new EncryptionException("cannot prepare the recipient info for certificate "
                    + certificate.getSerialNumber().toString(16) + ": " + e.getMessage(), e);
        }
        throw new EncryptionException("certificate " + certificate.getSerialNumber().toString(16) + " has a "
                + certificate.getPublicKey().getAlgorithm() + " key; expected RSA or EC");
    }
}
