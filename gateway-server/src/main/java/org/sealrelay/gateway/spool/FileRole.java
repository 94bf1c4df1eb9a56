package org.sealrelay.gateway.spool;

/**
 * Kind of data in a sealed spool file. The role is bound into every chunk's associated data, so
 * an envelope file cannot be read as content or the other way round.
 */
enum FileRole {
    CONTENT((byte) 1, "content"),
    ENVELOPE((byte) 2, "envelope");

    private final byte code;
    private final String description;

    FileRole(byte code, String description) {
        this.code = code;
        this.description = description;
    }

    byte code() {
        return code;
    }

    @Override
    public String toString() {
        return description;
    }
}
