/** SMTP AUTH (RFC 4954): credentials file, PBKDF2 password hashes and guessing throttle. */
package org.sealrelay.gateway.smtp.auth;
