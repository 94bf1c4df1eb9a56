package org.sealrelay.gateway.delivery;

/** Checks addresses before they are written into MAIL FROM and RCPT TO commands. */
final class AddressSyntax {
    private AddressSyntax() {}

    /**
     * Returns whether the address can go between angle brackets as is: no control characters,
     * spaces, DEL or angle brackets, so it cannot break or extend the command line.
     *
     * <p>NOTE: this rejects quoted local parts that contain spaces, which RFC 5321 allows.
     */
    static boolean isValid(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>') {
                return false;
            }
        }
        return true;
    }
}
