package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathArgumentTest {
    @Test
    void parsesAddressAndParameters() throws Exception {
        PathArgument path = PathArgument.parse("FROM:<a.b@example.org> SIZE=1000 body=8BITMIME", "FROM", true);

        assertThat(path.address()).isEqualTo("a.b@example.org");
        assertThat(path.parameters()).containsEntry("SIZE", "1000").containsEntry("BODY", "8BITMIME");
    }

    @Test
    void acceptsNullReversePathForMail() throws Exception {
        assertThat(PathArgument.parse("FROM:<>", "FROM", true).address()).isEmpty();
    }

    @Test
    void rejectsNullPathForRcpt() {
        assertThatThrownBy(() -> PathArgument.parse("TO:<>", "TO", false))
                .hasMessage("empty address not allowed here");
    }

    @Test
    void toleratesSpaceAfterColon() throws Exception {
        assertThat(PathArgument.parse("to: <x@example.org>", "TO", false).address()).isEqualTo("x@example.org");
    }

    @Test
    void dropsSourceRoute() throws Exception {
        assertThat(PathArgument.parse("TO:<@relay.example,@b.example:x@example.org>", "TO", false).address())
                .isEqualTo("x@example.org");
    }

    @Test
    void keepsQuotedLocalPart() throws Exception {
        assertThat(PathArgument.parse("TO:<\"john doe\"@example.org>", "TO", false).address())
                .isEqualTo("\"john doe\"@example.org");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TO:x@example.org|expected '<' to open the address",
        "TO:<x@example.org|missing '>' to close the address",
        "TO:<x>|address must have the form local-part@domain",
        "TO:<x@>|address must have the form local-part@domain",
        "TO:<x@exa_mple.org>|invalid domain",
        "TO:<x@-example.org>|invalid domain",
        "TO:<x..y@example.org>|invalid local part",
        "TO:<x@example.org>SIZE=1|expected a space between the address and its parameters",
        "TO:<x@example.org> A=1 A=2|parameter A given twice",
        "TO:<jos\u00e9@example.org>|non-ASCII address requires SMTPUTF8",
        "FROM:<x@example.org>|expected TO:<address>",
    })
    void rejectsMalformedPaths(String argument, String message) {
        assertThatThrownBy(() -> PathArgument.parse(argument, "TO", false)).hasMessage(message);
    }

    @Test
    void rejectsOverlongPath() {
        String local = "a".repeat(64);
        String domain = ("b".repeat(60) + ".").repeat(4) + "org";
        assertThatThrownBy(() -> PathArgument.parse("TO:<" + local + "@" + domain + ">", "TO", false))
                .hasMessage("path longer than 256 octets");
    }
}
