package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

class MtaStsPolicyTest {
    @Test
    void parsesEnforcePolicyWithCrlf() {
        MtaStsPolicy policy = MtaStsPolicy.parse(
                "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n");

        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policy.mxPatterns()).containsExactly("mail.example.com", "*.example.net");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void ignoresUnknownKeys() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\nfuture_key: x\n");

        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.NONE);
        assertThat(policy.mxPatterns()).isEmpty();
    }

    @Test
    void wildcardMatchesOneLabelOnly() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 60\n");

        assertThat(policy.allowsMx("mx1.example.net")).isTrue();
        assertThat(policy.allowsMx("MX1.Example.NET.")).isTrue();
        assertThat(policy.allowsMx("a.b.example.net")).isFalse();
        assertThat(policy.allowsMx("example.net")).isFalse();
    }

    @Test
    void invalidPoliciesNameTheProblem() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n"))
                .hasMessage("invalid MTA-STS policy: expected version STSv1; got 'STSv2'");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n"))
                .hasMessage("invalid MTA-STS policy: mode enforce needs at least one mx line");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n"))
                .hasMessage("invalid MTA-STS policy mode 'strict': expected enforce, testing or none");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a\nmax_age: 31557601\n"))
                .hasMessage("invalid MTA-STS max_age 31557601: expected 0 to 31557600 seconds");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a\n"))
                .hasMessage("invalid MTA-STS policy: missing max_age");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version STSv1\n"))
                .hasMessage("invalid MTA-STS policy line 'version STSv1': expected key: value");
    }

    @Test
    void txtRecordIdSelection() throws Exception {
        assertThat(MtaStsPolicies.policyId(List.of(txt("v=STSv1; id=20261204T1;")))).isEqualTo("20261204T1");
        assertThat(MtaStsPolicies.policyId(List.of(txt("v=STSv1; id=a"), txt("v=STSv1; id=b")))).isNull();
        assertThat(MtaStsPolicies.policyId(List.of(txt("v=spf1 -all"), txt("v=STSv1;id=c")))).isEqualTo("c");
        assertThat(MtaStsPolicies.policyId(List.of(txt("v=STSv1; id=bad-id")))).isNull();
        assertThat(MtaStsPolicies.policyId(List.of(txt("v=STSv1;")))).isNull();
    }

    private static Record txt(String text) throws Exception {
        return new TXTRecord(Name.fromString("_mta-sts.example.com."), DClass.IN, 300, text);
    }
}
