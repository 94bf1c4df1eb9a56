package org.sealrelay.gateway.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** MX and address lookups against an in-memory resolver, so no query leaves the process. */
class MxResolverTest {
    private static final Name DOMAIN = Name.fromConstantString("example.org.");

    @Test
    void mxRecordsAreOrdered() {
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of(
                Type.MX, List.of(mx(20, "b.example.org."), mx(10, "a.example.org."))));

        MxAnswer answer = new MxResolver(stub).resolveMx("example.org").join();

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.MX);
        assertThat(answer.hosts()).containsExactly("a.example.org", "b.example.org");
    }

    @Test
    void nullMxIsReported() {
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of(Type.MX, List.of(mx(0, "."))));

        assertThat(new MxResolver(stub).resolveMx("example.org").join().status()).isEqualTo(MxAnswer.Status.NULL_MX);
    }

    @Test
    void noMxRecordsGivesImplicitMx() {
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of());

        MxAnswer answer = new MxResolver(stub).resolveMx("example.org").join();

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.IMPLICIT_MX);
        assertThat(answer.hosts()).containsExactly("example.org");
    }

    @Test
    void nxdomainIsPermanent() {
        StubResolver stub = new StubResolver(Rcode.NXDOMAIN, Map.of());

        assertThat(new MxResolver(stub).resolveMx("example.org").join().status())
                .isEqualTo(MxAnswer.Status.NO_SUCH_DOMAIN);
    }

    @Test
    void servfailIsTemporary() {
        StubResolver stub = new StubResolver(Rcode.SERVFAIL, Map.of());

        assertThat(new MxResolver(stub).resolveMx("example.org").join().status())
                .isEqualTo(MxAnswer.Status.TEMPORARY_FAILURE);
    }

    @Test
    void timeoutIsTemporary() {
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of());
        stub.failWith = new SocketTimeoutException("timed out");

        assertThat(new MxResolver(stub).resolveMx("example.org").join().status())
                .isEqualTo(MxAnswer.Status.TEMPORARY_FAILURE);
    }

    @Test
    void resolvesAddressRecords() throws Exception {
        InetAddress address = InetAddress.getByName("192.0.2.7");
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of(
                Type.A, List.of(new ARecord(DOMAIN, DClass.IN, 300, address))));

        assertThat(new MxResolver(stub).resolveAddresses("example.org").join()).containsExactly(address);
    }

    @Test
    void missingAddressesFailPermanently() {
        StubResolver stub = new StubResolver(Rcode.NOERROR, Map.of());

        assertThatThrownBy(() -> new MxResolver(stub).resolveAddresses("example.org").get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(HostLookupException.class)
                .matches(error -> ((HostLookupException) error).permanent(), "permanent");
    }

    @Test
    void ipLiteralSkipsDns() throws Exception {
        StubResolver stub = new StubResolver(Rcode.SERVFAIL, Map.of());

        assertThat(new MxResolver(stub).resolveAddresses("192.0.2.9").join())
                .containsExactly(InetAddress.getByName("192.0.2.9"));
        assertThat(stub.queries).isZero();
    }

    private static MXRecord mx(int preference, String target) {
        return new MXRecord(DOMAIN, DClass.IN, 300, preference, Name.fromConstantString(target));
    }

    /** Responds to every query with one response code and the records stored for the query type. */
    private static final class StubResolver implements Resolver {
        private final int rcode;
        private final Map<Integer, List<Record>> recordsByType;
        Exception failWith;
        int queries;

        StubResolver(int rcode, Map<Integer, List<Record>> recordsByType) {
            this.rcode = rcode;
            this.recordsByType = recordsByType;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return sendAsync(query, Runnable::run);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            queries++;
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            Message response = new Message(query.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setRcode(rcode);
            Record question = query.getQuestion();
            response.addRecord(question, Section.QUESTION);
            for (Record record : recordsByType.getOrDefault(question.getType(), List.of())) {
                response.addRecord(record, Section.ANSWER);
            }
            return CompletableFuture.completedFuture(response);
        }

        @Override
        public void setPort(int port) {}

        @Override
        public void setTCP(boolean flag) {}

        @Override
        public void setIgnoreTruncation(boolean flag) {}

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

        @Override
        public void setTSIGKey(TSIG key) {}

        @Override
        public void setTimeout(Duration timeout) {}
    }
}
