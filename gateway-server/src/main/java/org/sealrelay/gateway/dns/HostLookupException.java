package org.sealrelay.gateway.dns;

/** Raised when a host name has no usable address. */
public final class HostLookupException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final boolean permanent;

    /**
     * @param host the name that was looked up
     * @param permanent whether DNS reported that the name or its address records do not exist, as opposed
     *     to a failure that a later attempt may not repeat
     * @param detail the DNS error or reason, for logs
     */
    public HostLookupException(String host, boolean permanent, String detail) {
        super("address lookup for " + host + " failed: " + detail);
        this.host = host;
        this.permanent = permanent;
    }

    /** Returns the name that was looked up. */
    public String host() {
        return host;
    }

    /** Returns whether DNS reported that the name has no addresses, rather than failing to answer. */
    public boolean permanent() {
        return permanent;
    }
}
