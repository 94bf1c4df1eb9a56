package org.sealrelay.gateway.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

class MxOrderingTest {
    private static final Name DOMAIN = Name.fromConstantString("example.org.");

    @Test
    void ordersByPreference() {
        List<MXRecord> records = List.of(mx(30, "c.example.org."), mx(10, "a.example.org."), mx(20, "B.Example.org."));

        MxAnswer answer = MxOrdering.order("example.org", records, new Random(1));

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.MX);
        assertThat(answer.hosts()).containsExactly("a.example.org", "b.example.org", "c.example.org");
    }

    @Test
    void shufflesEqualPreferencesOnly() {
        List<MXRecord> records = List.of(
                mx(10, "a1.example.org."), mx(10, "a2.example.org."), mx(10, "a3.example.org."), mx(20, "z.example.org."));
        Set<String> firstHosts = new HashSet<>();

        for (int seed = 0; seed < 50; seed++) {
            List<String> hosts = MxOrdering.order("example.org", records, new Random(seed)).hosts();
            assertThat(hosts.subList(0, 3)).containsExactlyInAnyOrder("a1.example.org", "a2.example.org", "a3.example.org");
            assertThat(hosts.get(3)).isEqualTo("z.example.org");
            firstHosts.add(hosts.get(0));
        }

        assertThat(firstHosts).hasSize(3);
    }

    @Test
    void keepsDuplicateHostAtBestPreference() {
        List<MXRecord> records = List.of(mx(20, "a.example.org."), mx(10, "a.example.org."), mx(15, "b.example.org."));

        assertThat(MxOrdering.order("example.org", records, new Random(1)).hosts())
                .containsExactly("a.example.org", "b.example.org");
    }

    @Test
    void noRecordsGivesImplicitMx() {
        MxAnswer answer = MxOrdering.order("example.org", List.of(), new Random(1));

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.IMPLICIT_MX);
        assertThat(answer.hosts()).containsExactly("example.org");
    }

    @Test
    void singleRootTargetIsNullMx() {
        MxAnswer answer = MxOrdering.order("example.org", List.of(mx(0, ".")), new Random(1));

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.NULL_MX);
        assertThat(answer.hosts()).isEmpty();
        assertThat(answer.detail()).contains("null MX");
    }

    @Test
    void rootTargetBesideOthersIsSkipped() {
        MxAnswer answer = MxOrdering.order("example.org", List.of(mx(0, "."), mx(10, "mx.example.org.")), new Random(1));

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.MX);
        assertThat(answer.hosts()).containsExactly("mx.example.org");
    }

    private static MXRecord mx(int preference, String target) {
        return new MXRecord(DOMAIN, DClass.IN, 300, preference, Name.fromConstantString(target));
    }
}
