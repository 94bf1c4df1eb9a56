/**
 * The message spool: durable, encrypted storage for accepted messages and their envelopes.
 *
 * <p>{@link org.sealrelay.gateway.spool.FileSpool} keeps each message as two files named by
 * queue id, a content file and an envelope file, both sealed with AES-256-GCM in authenticated
 * chunks. Directories are queue states, as in Postfix. {@code incoming/} contains messages still
 * being received, {@code queue/} contains committed ones, and {@code corrupt/} contains records
 * that failed their integrity check. {@link org.sealrelay.gateway.spool.SpoolKeys} manages the key
 * file.
 */
package org.sealrelay.gateway.spool;
